package web

// reportMessages holds the UI strings of weekly reports and the official forms: key → [zh-CN, en].
var reportMessages = map[string][2]string{}
