package domain

import (
	"fmt"
	"strings"
)

// creditCodeChars is the GB 32100-2015 character set of the 统一社会信用代码:
// digits and upper-case letters without I, O, Z, S and V, which are too easily
// mistaken for 1, 0, 2, 5 and U. A character's value is its index here.
const creditCodeChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditCodeWeights are the GB 32100-2015 weights of positions 1–17: 3^(i-1) mod 31.
var creditCodeWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// NormalizeCreditCode folds a 统一社会信用代码 as people type or paste it:
// surrounding and inner spaces (including the full-width space) removed,
// full-width letters and digits made half-width, letters upper-cased.
func NormalizeCreditCode(code string) string {
	var b strings.Builder
	for _, r := range code {
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == 0x3000 || r == 0xA0:
			continue
		case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
			r -= 0xFEE0
		}
		b.WriteRune(r)
	}
	return strings.ToUpper(b.String())
}

// creditCodeProblem returns what is wrong with a normalized code, or "" when
// it is well formed with a correct check character (GB 32100-2015 §4, 附录).
func creditCodeProblem(code string) string {
	rs := []rune(code)
	if len(rs) != 18 {
		return fmt.Sprintf("统一社会信用代码应为18位，实为%d位", len(rs))
	}
	sum := 0
	for i, r := range rs {
		v := strings.IndexRune(creditCodeChars, r)
		if v < 0 {
			return fmt.Sprintf("统一社会信用代码第%d位“%c”不是有效字符（只用数字和除 I、O、Z、S、V 以外的大写字母）", i+1, r)
		}
		if i < 17 {
			sum += v * creditCodeWeights[i]
		}
	}
	if want := rune(creditCodeChars[(31-sum%31)%31]); rs[17] != want {
		return fmt.Sprintf("统一社会信用代码校验位应为“%c”，实为“%c”，请核对（个别真实代码确实不符，核实无误可保留）", want, rs[17])
	}
	return ""
}

// CheckCreditCode normalizes a 统一社会信用代码 and reports whether it is 18
// characters of the GB 32100-2015 set with the right check character. The
// normalized form is returned either way, so a caller can store what the user
// meant even when the check fails: some real, registered codes fail it.
func CheckCreditCode(code string) (normalized string, ok bool) {
	normalized = NormalizeCreditCode(code)
	return normalized, normalized != "" && creditCodeProblem(normalized) == ""
}

// CreditCodeWarning returns the warning to show for a site's credit code, or
// nil when the code is empty (无证无照 sites have none) or passes the check.
// A failing code is a warning, never an error (DESIGN.md §3 Validation).
func CreditCodeWarning(code string) *Warning {
	n := NormalizeCreditCode(code)
	if n == "" {
		return nil
	}
	msg := creditCodeProblem(n)
	if msg == "" {
		return nil
	}
	return &Warning{Code: RuleCreditCodeCheck, Field: "credit_code", Message: msg}
}
