package web

// caseMessages holds the UI strings of sites, inspections and cases (一案一档): key → [zh-CN, en].
var caseMessages = map[string][2]string{}
