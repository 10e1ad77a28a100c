package forms

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// How a cell's value is written into the worksheet XML.

// maxCellChars is the most UTF-16 units a spreadsheet cell holds; longer
// text is cut there (Excel refuses the file otherwise).
const maxCellChars = 32767

// appendWan writes fen as exact decimal 万元 without trailing zeros
// (123450 → 0.12345), as domain.FenToWan does, without allocating.
func appendWan(b []byte, fen int64) []byte {
	if fen < 0 {
		b = append(b, '-')
	}
	u := uint64(fen)
	if fen < 0 {
		u = -u // two's complement: right for math.MinInt64 too
	}
	const scale = 1_000_000 // fen per 万元
	b = strconv.AppendUint(b, u/scale, 10)
	frac := u % scale
	if frac == 0 {
		return b
	}
	var d [6]byte
	for i := 5; i >= 0; i-- {
		d[i] = byte('0' + frac%10)
		frac /= 10
	}
	n := 6
	for d[n-1] == '0' {
		n--
	}
	b = append(b, '.')
	return append(b, d[:n]...)
}

// cutCell cuts s to the most a cell holds (maxCellChars UTF-16 units).
func cutCell(s string) string {
	if len(s) <= maxCellChars { // a UTF-16 unit takes at least a byte
		return s
	}
	units := 0
	for i, r := range s {
		n := 1
		if r >= 0x10000 {
			n = 2
		}
		if units+n > maxCellChars {
			return s[:i]
		}
		units += n
	}
	return s
}

// appendXMLText escapes s as XML character data for a <t> element: the
// five markup characters, CR kept as a reference, characters XML 1.0 cannot
// carry (control characters, U+FFFE, U+FFFF, invalid UTF-8) replaced by
// U+FFFD, as encoding/xml does; and a literal "_xHHHH_", which a
// spreadsheet would read as an escaped character, escaped itself (its "_"
// as "_x005F_").
func appendXMLText(b []byte, s string) []byte {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	last := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		// Most bytes need nothing: look only at markup, control
		// characters, "_" and 0xEF, the lead byte of U+F000…U+FFFF.
		if c >= 0x20 && c != '<' && c != '>' && c != '&' && c != '_' && c != 0xEF || c == '\t' || c == '\n' {
			continue
		}
		var esc string
		width := 1
		switch c {
		case 0xEF:
			if r, n := utf8.DecodeRuneInString(s[i:]); r == 0xFFFE || r == 0xFFFF {
				esc, width = "\uFFFD", n
			}
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '&':
			esc = "&amp;"
		case '\r':
			esc = "&#xD;"
		case '_':
			if isBstrEscape(s[i:]) {
				esc = "_x005F_"
			}
		default: // the other control characters
			esc = "\uFFFD"
		}
		if esc != "" {
			b = append(b, s[last:i]...)
			b = append(b, esc...)
			last = i + width
			i += width - 1
		}
	}
	return append(b, s[last:]...)
}

// isBstrEscape reports whether s starts with "_x" + four hex digits + "_".
func isBstrEscape(s string) bool {
	if len(s) < 7 || s[1] != 'x' || s[6] != '_' {
		return false
	}
	for _, c := range []byte(s[2:6]) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// colName is the letters of the 0-based column col0: A … Z, AA ….
func colName(col0 int) string {
	var b [8]byte
	i := len(b)
	for n := col0 + 1; n > 0; n = (n - 1) / 26 {
		i--
		b[i] = byte('A' + (n-1)%26)
	}
	return string(b[i:])
}

func cellName(col0, row int) string { return colName(col0) + strconv.Itoa(row) }
