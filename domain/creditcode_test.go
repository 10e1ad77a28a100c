package domain

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// refCheckChar computes the GB 32100-2015 check character independently of
// the package: weights as powers of 3 mod 31 rather than a table.
func refCheckChar(t *testing.T, body string) byte {
	t.Helper()
	const set = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	if len(body) != 17 {
		t.Fatalf("body %q is not 17 characters", body)
	}
	sum, w := 0, 1
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(set, body[i])
		if v < 0 {
			t.Fatalf("body %q has a character outside the set", body)
		}
		sum += v * w
		w = w * 3 % 31
	}
	return set[(31-sum%31)%31]
}

// Real codes whose owners are well known, each re-verified below with the
// independent reference computation so the list cannot silently rot.
var realCreditCodes = []struct{ code, owner string }{
	{"91350100M000100Y43", "GB 32100-2015 的示例代码"},
	{"914403001922038216", "华为技术有限公司"},
	{"91440300708461136T", "深圳市腾讯计算机系统有限公司"},
	{"91110108551385082Q", "小米科技有限责任公司"},
}

func TestCheckCreditCode_RealCodesPass(t *testing.T) {
	for _, tc := range realCreditCodes {
		if got := refCheckChar(t, tc.code[:17]); got != tc.code[17] {
			t.Fatalf("%s (%s): reference check char %c, test data is wrong", tc.code, tc.owner, got)
		}
		n, ok := CheckCreditCode(tc.code)
		if !ok || n != tc.code {
			t.Errorf("CheckCreditCode(%q) = %q, %v; want itself, true (%s)", tc.code, n, ok, tc.owner)
		}
		if w := CreditCodeWarning(tc.code); w != nil {
			t.Errorf("CreditCodeWarning(%q) = %+v, want nil", tc.code, w)
		}
	}
}

func TestCheckCreditCode_ComputedCodesPass(t *testing.T) {
	const set = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	r := rand.New(rand.NewPCG(32100, 2015))
	for i := 0; i < 2000; i++ {
		var b [17]byte
		for j := range b {
			b[j] = set[r.IntN(len(set))]
		}
		code := string(b[:]) + string(refCheckChar(t, string(b[:])))
		if _, ok := CheckCreditCode(code); !ok {
			t.Fatalf("CheckCreditCode(%q) = false, want true", code)
		}
		// Any other last character must fail.
		for k := 0; k < len(set); k++ {
			if set[k] == code[17] {
				continue
			}
			bad := code[:17] + string(set[k])
			if _, ok := CheckCreditCode(bad); ok {
				t.Fatalf("CheckCreditCode(%q) = true, want false (check char should be %c)", bad, code[17])
			}
		}
	}
}

func TestCheckCreditCode_NormalizesInput(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"surrounding spaces", "  914403001922038216 \n", "914403001922038216"},
		{"lower case", "91440300708461136t", "91440300708461136T"},
		{"inner spaces", "9135 0100 M000 100Y 43", "91350100M000100Y43"},
		{"full-width characters and space", "９１１１０１０８５５１３８５０８２Ｑ\u3000", "91110108551385082Q"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, ok := CheckCreditCode(tc.in)
			if n != tc.want || !ok {
				t.Errorf("CheckCreditCode(%q) = %q, %v; want %q, true", tc.in, n, ok, tc.want)
			}
		})
	}
}

func TestCheckCreditCode_RejectsMalformed(t *testing.T) {
	tests := []struct{ name, in, wantMsg string }{
		// The check character of 91320000134799034 is J, not G.
		{"wrong check char", "91320000134799034G", "校验位应为“J”"},
		{"wrong check char on a real code", "914403001922038217", "校验位应为“6”"},
		{"too short", "91350100M000100Y4", "应为18位，实为17位"},
		{"too long", "91350100M000100Y433", "应为18位，实为19位"},
		{"forbidden letter I", "91350100M000100I43", "第16位“I”"},
		{"forbidden letter O", "9135O100M000100Y43", "第5位“O”"},
		{"forbidden letter Z", "91350100Z000100Y43", "第9位“Z”"},
		{"forbidden letter S", "S1350100M000100Y43", "第1位“S”"},
		{"forbidden letter V", "91350100M000100V43", "第16位“V”"},
		{"punctuation", "91350100-M000100Y4", "第9位“-”"},
		{"chinese character", "91350100M000100Y4号", "第18位“号”"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, ok := CheckCreditCode(tc.in); ok {
				t.Fatalf("CheckCreditCode(%q) ok, want failure", tc.in)
			}
			w := CreditCodeWarning(tc.in)
			if w == nil {
				t.Fatalf("CreditCodeWarning(%q) = nil, want a warning", tc.in)
			}
			if w.Code != "credit_code_check" || w.Field != "credit_code" {
				t.Errorf("warning = %+v, want code credit_code_check on field credit_code", w)
			}
			if !strings.Contains(w.Message, tc.wantMsg) {
				t.Errorf("message %q does not contain %q", w.Message, tc.wantMsg)
			}
		})
	}
}

func TestCreditCodeWarning_EmptyIsNoWarning(t *testing.T) {
	// 无证无照 sites have no code at all: nothing to warn about.
	for _, in := range []string{"", "   ", "\u3000"} {
		if w := CreditCodeWarning(in); w != nil {
			t.Errorf("CreditCodeWarning(%q) = %+v, want nil", in, w)
		}
		if _, ok := CheckCreditCode(in); ok {
			t.Errorf("CheckCreditCode(%q) ok, want false", in)
		}
	}
}
