package web

// listMessages are the texts of the desk tables, the list filters and
// exports, and the site register's edit page.
var listMessages = map[string][2]string{
	"list.export":        {"导出 Excel", "Export to Excel"},
	"list.columns":       {"显示列", "Columns"},
	"list.total":         {"共 %d 条", "%d rows"},
	"list.onsite":        {"现场整治", "On site"},
	"list.yes":           {"是", "Yes"},
	"list.updated":       {"更新时间", "Updated"},
	"list.registered":    {"登记时间", "Registered"},
	"list.credit_code":   {"统一社会信用代码", "Credit code"},
	"list.inspected":     {"本次专项行动排查", "Inspected in this campaign"},
	"list.inspected.yes": {"已排查", "Inspected"},
	"list.inspected.no":  {"未排查", "Never inspected"},
	"list.status.live":   {"全部（不含已作废）", "All but voided"},
	"list.lat":           {"纬度（WGS-84）", "Latitude (WGS-84)"},
	"list.lng":           {"经度（WGS-84）", "Longitude (WGS-84)"},
	"sites.edit":         {"修改场所信息", "Edit site"},
	"sites.latest":       {"他人刚保存的最新内容", "The latest saved version"},
	"sites.stale":        {"该场所已被他人修改：右侧（下方）是最新内容，您填写的内容保留在表单中，核对后再次保存即可。", "Someone else changed this site: the latest version is shown; your entries are kept in the form — check and save again."},
	"sites.edit.link":    {"修改", "Edit"},
}

// adminMessages are the texts of the org tree's edit page and of moving a
// user to another role or unit.
var adminMessages = map[string][2]string{
	"orgs.edit":        {"修改单位", "Edit unit"},
	"orgs.edit_link":   {"修改", "Edit"},
	"orgs.name":        {"单位名称", "Name"},
	"orgs.code.help":   {"12 位统计用区划代码；没有的可不填", "12-digit statistical division code; leave empty if there is none"},
	"orgs.prefix.help": {"问题编号的前缀，如 320404001；已用过的编号不会改变", "Prefix of the case numbers, e.g. 320404001; numbers given stay"},
	"orgs.children":    {"下级单位", "Units below"},
	"orgs.add":         {"新增下级单位", "Add a unit below"},
	"orgs.added":       {"已新增 %s", "%s added"},
	"users.place":      {"调整角色/单位", "Change role/unit"},
	"users.manage":     {"管理账号", "Manage"},
}
