package forms

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// The fixed parts of the workbooks the forms are written as: content types,
// relationships, the workbook with its Print_Titles, the style sheet, and
// the worksheet's print setup. Only the worksheet's rows vary.

// Fonts: 宋体 for the table, 黑体 for the 附件 label, as the notice prints
// them; a client without them substitutes its own CJK font.
const (
	fontBody  = "宋体"
	fontLabel = "黑体"
)

// Cell style indexes into styles.xml's cellXfs (see stylesXML).
const (
	styleLabel  = 1
	styleTitle  = 2
	styleFilled = 3
	styleHead   = 4
	styleData   = 5                         // + cellKind
	styleTotal  = styleData + int(numKinds) // + cellKind: the bold 合计 row
)

// stylesXML is the workbook's fixed style sheet. Fonts: 0 the default,
// 1 label, 2 title, 3 填报日期, 4 bold body (headers, 合计), 5 body. Border 1
// is thin black all round. numFmt 1 is "0" (integers), 0 General, which
// shows an exact decimal without trailing zeros (0.3, 0.12345).
func stylesXML() string {
	var b strings.Builder
	b.WriteString(xmlHeader + `<styleSheet xmlns="` + nsMain + `">` +
		`<fonts count="6">` +
		`<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>` +
		`<font><sz val="12"/><name val="` + fontLabel + `"/></font>` +
		`<font><b/><sz val="18"/><name val="` + fontBody + `"/></font>` +
		`<font><sz val="11"/><name val="` + fontBody + `"/></font>` +
		`<font><b/><sz val="10"/><name val="` + fontBody + `"/></font>` +
		`<font><sz val="10"/><name val="` + fontBody + `"/></font>` +
		`</fonts>` +
		`<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
		`<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>` +
		`<border><left style="thin"><color rgb="FF000000"/></left><right style="thin"><color rgb="FF000000"/></right>` +
		`<top style="thin"><color rgb="FF000000"/></top><bottom style="thin"><color rgb="FF000000"/></bottom><diagonal/></border></borders>` +
		`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>`)
	fmt.Fprintf(&b, `<cellXfs count="%d">`, styleTotal+int(numKinds))
	xf := func(numFmt, font, border int, horizontal string, wrap bool) {
		wrapText := ""
		if wrap {
			wrapText = ` wrapText="1"`
		}
		fmt.Fprintf(&b, `<xf numFmtId="%d" fontId="%d" fillId="0" borderId="%d" xfId="0" applyNumberFormat="1" applyFont="1" applyBorder="1" applyAlignment="1">`+
			`<alignment horizontal="%s" vertical="center"%s/></xf>`, numFmt, font, border, horizontal, wrapText)
	}
	b.WriteString(`<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>`)
	xf(0, 1, 0, "left", false)         // styleLabel
	xf(0, 2, 0, "center", true)        // styleTitle
	xf(0, 3, 0, "left", false)         // styleFilled
	xf(0, 4, 1, "center", true)        // styleHead
	for _, font := range []int{5, 4} { // styleData, styleTotal
		for k := range numKinds {
			numFmt, horizontal := 0, "center"
			switch k {
			case kindSerial, kindCount:
				numFmt = 1
			case kindText:
				horizontal = "left"
			}
			xf(numFmt, font, 1, horizontal, true)
		}
	}
	b.WriteString(`</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>` +
		`<dxfs count="0"/><tableStyles count="0"/></styleSheet>`)
	return b.String()
}

const (
	xmlHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
	nsMain    = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
	nsRel     = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	nsPkgRel  = "http://schemas.openxmlformats.org/package/2006/relationships"

	contentTypesXML = xmlHeader + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
		`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
		`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
		`</Types>`
	rootRelsXML = xmlHeader + `<Relationships xmlns="` + nsPkgRel + `">` +
		`<Relationship Id="rId1" Type="` + nsRel + `/officeDocument" Target="xl/workbook.xml"/></Relationships>`
	workbookRelsXML = xmlHeader + `<Relationships xmlns="` + nsPkgRel + `">` +
		`<Relationship Id="rId1" Type="` + nsRel + `/worksheet" Target="worksheets/sheet1.xml"/>` +
		`<Relationship Id="rId2" Type="` + nsRel + `/styles" Target="styles.xml"/></Relationships>`
)

// workbookXML names the one sheet and repeats the header rows on every
// printed page (Print_Titles).
func workbookXML(sheet string, headRow, headRows int) string {
	return xmlHeader + `<workbook xmlns="` + nsMain + `" xmlns:r="` + nsRel + `">` +
		`<bookViews><workbookView/></bookViews>` +
		`<sheets><sheet name="` + xmlEscape(sheet) + `" sheetId="1" r:id="rId1"/></sheets>` +
		`<definedNames><definedName name="_xlnm.Print_Titles" localSheetId="0">` +
		xmlEscape(printTitles(sheet, headRow, headRows)) + `</definedName></definedNames></workbook>`
}

// sheetEnd follows the rows: merges, then the print setup — A4 landscape,
// one page wide and as many pages long as needed, page numbers in the
// footer.
const sheetEnd = `<printOptions horizontalCentered="1"/>` +
	`<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>` +
	`<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>` +
	`<headerFooter><oddFooter>&amp;C第 &amp;P 页，共 &amp;N 页</oddFooter></headerFooter></worksheet>`

// xmlEscape escapes s for an attribute value or element text.
func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;").Replace(s)
}

// checkSheetName rejects names a spreadsheet refuses: empty, over 31
// characters, or holding : \ / ? * [ ].
func checkSheetName(name string) error {
	switch {
	case name == "":
		return errors.New("empty sheet name")
	case utf8.RuneCountInString(name) > 31:
		return fmt.Errorf("sheet name %q longer than 31 characters", name)
	case strings.ContainsAny(name, `:\/?*[]`):
		return fmt.Errorf("sheet name %q holds one of : \\ / ? * [ ]", name)
	}
	return nil
}

// printTitles is the Print_Titles reference of a form's header rows.
func printTitles(sheet string, headRow, headRows int) string {
	return fmt.Sprintf("'%s'!$%d:$%d", strings.ReplaceAll(sheet, "'", "''"), headRow, headRow+headRows-1)
}
