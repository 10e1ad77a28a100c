package domain

import (
	"math"
	"strconv"
	"strings"
)

// Money is kept as integer 分 (fen) everywhere: 1 元 = 100 fen and
// 1 万元 = 1,000,000 fen. The forms show 万元 exactly (附件2 cols 15–16,
// 附件1 cols 18–19), so 1,234.50 元 is 0.12345 and a 合计 summed in fen
// always equals the sum of its rows. No float ever holds an amount except
// the numeric cell handed to a spreadsheet (WanFloat).
const (
	fenPerYuan = 100
	fenPerWan  = 1_000_000
)

// FenToWan formats an amount as exact decimal 万元 without trailing zeros:
// 300000 → "0.3", 123450 → "0.12345", 1 → "0.000001", 0 → "0".
func FenToWan(fen int64) string { return formatScaled(fen, 6) }

// FenToYuan formats an amount as exact decimal 元 without trailing zeros:
// 123450 → "1234.5", 1 → "0.01".
func FenToYuan(fen int64) string { return formatScaled(fen, 2) }

// formatScaled writes v / 10^scale exactly, trimming trailing zeros.
func formatScaled(v int64, scale int) string {
	neg := v < 0
	u := uint64(v)
	if neg {
		u = -u // two's complement: right for math.MinInt64 too
	}
	digits := strconv.FormatUint(u, 10)
	if len(digits) <= scale {
		digits = strings.Repeat("0", scale-len(digits)+1) + digits
	}
	intPart, frac := digits[:len(digits)-scale], strings.TrimRight(digits[len(digits)-scale:], "0")
	s := intPart
	if frac != "" {
		s += "." + frac
	}
	if neg {
		s = "-" + s
	}
	return s
}

// WanFloat returns the amount in 万元 as the float64 closest to the exact
// decimal, for numeric spreadsheet cells. strconv.ParseFloat(FenToWan(fen))
// gives the same value, and for amounts under 10^15 fen the shortest float
// formatting reads back as FenToWan(fen).
func WanFloat(fen int64) float64 {
	const exact = 1 << 53
	if fen > -exact && fen < exact {
		// Both operands are exact, so IEEE division rounds the true quotient once.
		return float64(fen) / fenPerWan
	}
	f, _ := strconv.ParseFloat(FenToWan(fen), 64) // correctly rounded; cannot fail
	return f
}

// ParseYuan reads an amount typed in 元, e.g. "1234.50", "1,234.5",
// "１２３４．５元", into fen. See parseAmount for what is accepted.
func ParseYuan(field, s string) (int64, error) {
	return parseAmount(field, s, 2, "元", []string{"元"})
}

// ParseWan reads an amount typed in 万元, e.g. "0.12345" (= 1,234.50 元), into
// fen, as the 附件1/附件2 columns (万元) are filled in.
func ParseWan(field, s string) (int64, error) {
	return parseAmount(field, s, 6, "万元", []string{"万元", "万"})
}

// parseAmount parses a non-negative decimal exactly — no float is involved,
// so "0.1" is exactly 100,000 fen of 万元. It accepts full-width digits and
// point, surrounding spaces, thousands separators in groups of three, and
// the unit as a suffix. Blank input is 0: an empty form cell means none.
// It refuses signs, exponents, more precision than one fen (trailing zeros
// beyond it are fine: "1.230" 元) and amounts that do not fit in int64 fen.
func parseAmount(field, s string, scale int, unit string, suffixes []string) (int64, error) {
	t := strings.TrimSpace(halfWidthNumber(s))
	for _, suf := range suffixes {
		if strings.HasSuffix(t, suf) {
			t = strings.TrimSpace(strings.TrimSuffix(t, suf))
			break
		}
	}
	if t == "" {
		return 0, nil
	}
	if strings.HasPrefix(t, "-") {
		return 0, Invalid(field, "金额不能为负数")
	}
	intPart, frac, hasPoint := strings.Cut(t, ".")
	if hasPoint && strings.Contains(frac, ".") || intPart == "" && frac == "" {
		return 0, Invalid(field, "金额“%s”不是有效的数字（单位：%s）", s, unit)
	}
	if strings.Contains(intPart, ",") {
		groups := strings.Split(intPart, ",")
		if len(groups[0]) == 0 || len(groups[0]) > 3 {
			return 0, Invalid(field, "金额“%s”的千分位分隔不正确", s)
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, Invalid(field, "金额“%s”的千分位分隔不正确", s)
			}
		}
		intPart = strings.Join(groups, "")
	}
	if !allDigits(intPart) || !allDigits(frac) {
		return 0, Invalid(field, "金额“%s”不是有效的数字（单位：%s）", s, unit)
	}
	if len(frac) > scale {
		if strings.Trim(frac[scale:], "0") != "" {
			if scale == 2 {
				return 0, Invalid(field, "金额最多精确到分（小数点后2位）")
			}
			return 0, Invalid(field, "金额最多精确到分（万元小数点后6位）")
		}
		frac = frac[:scale]
	}
	frac += strings.Repeat("0", scale-len(frac))
	intPart = strings.TrimLeft(intPart, "0")
	if intPart == "" {
		intPart = "0"
	}
	n, err := strconv.ParseInt(intPart+frac, 10, 64)
	if err != nil {
		// Only digits reach here, so the one failure is a value out of range.
		return 0, Invalid(field, "金额“%s”超出范围", s)
	}
	if n > math.MaxInt64/2 {
		// Leave headroom so that summing a realistic number of amounts
		// can never overflow.
		return 0, Invalid(field, "金额“%s”超出范围", s)
	}
	return n, nil
}

// halfWidthNumber maps full-width digits, point, comma and sign to ASCII and
// drops the ideographic space, as Chinese input methods produce them.
func halfWidthNumber(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return r - '０' + '0'
		case r == '．' || r == '。':
			return '.'
		case r == '，':
			return ','
		case r == '－':
			return '-'
		case r == '＋':
			return '+'
		case r == 0x3000:
			return ' '
		}
		return r
	}, s)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
