package web

// homeMessages are the texts of the home pages, the dashboard's figures and
// the navigation.
var homeMessages = map[string][2]string{
	"dash.overdue.hint":    {"已过整改期限、现场整治未完成", "past the deadline, not rectified"},
	"dash.awaiting":        {"已整改待销号", "Rectified, awaiting closeout"},
	"dash.awaiting.hint":   {"现场整治已完成、尚未销号", "rectified on site, not yet closed out"},
	"dash.supervised.hint": {"挂牌督办、尚未销号", "supervised, not yet closed out"},
}
