package web

// closeoutMessages holds the UI strings of the closed loop: actions, signatures, inboxes: key → [zh-CN, en].
var closeoutMessages = map[string][2]string{}
