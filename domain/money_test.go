package domain

import (
	"math"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

func TestFenToWan_ExactWithoutTrailingZeros(t *testing.T) {
	tests := []struct {
		fen  int64
		want string
	}{
		{0, "0"},
		{300000, "0.3"},     // 3,000 元 (DESIGN.md §2)
		{123400, "0.1234"},  // 1,234 元
		{123450, "0.12345"}, // 1,234.50 元
		{1, "0.000001"},     // 1 分
		{10, "0.00001"},
		{1000000, "1"}, // 1 万元
		{1000001, "1.000001"},
		{12345678901, "12345.678901"},
		{-123450, "-0.12345"},
		{-1, "-0.000001"},
		{math.MaxInt64, "9223372036854.775807"},
		{math.MinInt64, "-9223372036854.775808"},
	}
	for _, tc := range tests {
		if got := FenToWan(tc.fen); got != tc.want {
			t.Errorf("FenToWan(%d) = %q, want %q", tc.fen, got, tc.want)
		}
	}
}

func TestFenToYuan_ExactWithoutTrailingZeros(t *testing.T) {
	tests := []struct {
		fen  int64
		want string
	}{
		{0, "0"},
		{123450, "1234.5"},
		{123456, "1234.56"},
		{123400, "1234"},
		{1, "0.01"},
		{10, "0.1"},
		{-5, "-0.05"},
		{math.MinInt64, "-92233720368547758.08"},
	}
	for _, tc := range tests {
		if got := FenToYuan(tc.fen); got != tc.want {
			t.Errorf("FenToYuan(%d) = %q, want %q", tc.fen, got, tc.want)
		}
	}
}

func TestParseYuan_AcceptsHowPeopleTypeAmounts(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"1234.50", 123450},
		{"1234.5", 123450},
		{"1234", 123400},
		{"0.01", 1},
		{".5", 50},
		{"5.", 500},
		{"007", 700},
		{"  3000 ", 300000},
		{"１２３", 12300},           // full-width digits
		{"１２３．４５", 12345},        // full-width point
		{"1,234.50", 123450},     // thousands separators
		{"1，234，567", 123456700}, // full-width comma
		{"3000元", 300000},
		{"3000 元", 300000},
		{"1.230", 123}, // a trailing zero adds no precision
		{"1.2300000", 123},
		{"", 0}, // a blank cell means none
		{"\u3000", 0},
	}
	for _, tc := range tests {
		got, err := ParseYuan("fine", tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseYuan(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
}

func TestParseWan_AcceptsFormValues(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"0.3", 300000},
		{"0.1234", 123400},
		{"0.12345", 123450},
		{"0.000001", 1},
		{"0.0000010", 1},
		{"1", 1000000},
		{"12345.678901", 12345678901},
		{"２万元", 2000000},
		{"0.5万", 500000},
		{"0", 0},
		{"", 0},
	}
	for _, tc := range tests {
		got, err := ParseWan("fine_wan", tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseWan(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
}

func TestParseAmount_RejectsBadInputWithFieldAndChineseMessage(t *testing.T) {
	tests := []struct {
		name    string
		parse   func(string, string) (int64, error)
		in      string
		wantMsg string
	}{
		{"yuan below a fen", ParseYuan, "1.234", "精确到分"},
		{"wan below a fen", ParseWan, "0.0000001", "精确到分"},
		{"wan below a fen by far", ParseWan, "0.1234567", "精确到分"},
		{"negative", ParseYuan, "-5", "负数"},
		{"full-width negative", ParseWan, "－0.3", "负数"},
		{"plus sign", ParseYuan, "+5", "不是有效的数字"},
		{"letters", ParseYuan, "abc", "不是有效的数字"},
		{"exponent", ParseYuan, "1e3", "不是有效的数字"},
		{"two points", ParseYuan, "1.2.3", "不是有效的数字"},
		{"lone point", ParseYuan, ".", "不是有效的数字"},
		{"inner space", ParseYuan, "12 34", "不是有效的数字"},
		{"wrong unit", ParseYuan, "3万元", "不是有效的数字"},
		{"chinese numerals", ParseYuan, "三千", "不是有效的数字"},
		{"bad grouping", ParseYuan, "1,23", "千分位"},
		{"leading comma", ParseYuan, ",123", "千分位"},
		{"long first group", ParseYuan, "1234,567", "千分位"},
		{"overflow int64", ParseYuan, "92233720368547758.08", "超出范围"},
		{"overflow huge", ParseWan, "99999999999999999999999", "超出范围"},
		{"beyond summing headroom", ParseWan, "9223372036854", "超出范围"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.parse("fine", tc.in)
			if err == nil {
				t.Fatalf("parse(%q) = %d, nil; want an error", tc.in, got)
			}
			if ErrorCode(err) != EINVALID || ErrorField(err) != "fine" {
				t.Errorf("error %v: want invalid on field fine", err)
			}
			if !strings.Contains(ErrorMessage(err), tc.wantMsg) {
				t.Errorf("message %q does not contain %q", ErrorMessage(err), tc.wantMsg)
			}
		})
	}
}

func TestParseWan_RoundTripsFenToWan(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		fen := r.Int64N(1 << 50)
		if i%3 == 0 {
			fen = r.Int64N(10_000_000) // small amounts exercise 5–6 decimals
		}
		got, err := ParseWan("x", FenToWan(fen))
		if err != nil || got != fen {
			t.Fatalf("ParseWan(FenToWan(%d)=%q) = %d, %v", fen, FenToWan(fen), got, err)
		}
		got, err = ParseYuan("x", FenToYuan(fen))
		if err != nil || got != fen {
			t.Fatalf("ParseYuan(FenToYuan(%d)=%q) = %d, %v", fen, FenToYuan(fen), got, err)
		}
	}
}

func TestWanFloat_IsClosestFloatToExactDecimal(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	fens := []int64{0, 1, -1, 123450, 300000, 999999, 1 << 53, 1<<53 + 1, -(1<<53 + 3),
		math.MaxInt64, math.MinInt64}
	for i := 0; i < 20000; i++ {
		switch i % 3 {
		case 0:
			fens = append(fens, r.Int64N(10_000_000))
		case 1:
			fens = append(fens, r.Int64N(1_000_000_000_000_000))
		default:
			fens = append(fens, int64(r.Uint64()))
		}
	}
	for _, fen := range fens {
		w := WanFloat(fen)
		parsed, err := strconv.ParseFloat(FenToWan(fen), 64)
		if err != nil || w != parsed {
			t.Fatalf("WanFloat(%d) = %v, ParseFloat(%q) = %v", fen, w, FenToWan(fen), parsed)
		}
		// Independent check with big.Rat: the float's exact value is the
		// nearest to fen/10^6 (its neighbours are no closer).
		exact := new(big.Rat).SetFrac(big.NewInt(fen), big.NewInt(1_000_000))
		d := func(f float64) *big.Rat {
			fr := new(big.Rat).SetFloat64(f)
			return fr.Abs(fr.Sub(fr, exact))
		}
		if d(math.Nextafter(w, math.Inf(1))).Cmp(d(w)) < 0 || d(math.Nextafter(w, math.Inf(-1))).Cmp(d(w)) < 0 {
			t.Fatalf("WanFloat(%d) = %v is not the closest float", fen, w)
		}
		// What a spreadsheet shows for the numeric cell is the form's decimal.
		if fen > -1e15 && fen < 1e15 {
			if s := strconv.FormatFloat(w, 'f', -1, 64); s != FenToWan(fen) {
				t.Fatalf("FormatFloat(WanFloat(%d)) = %q, want %q", fen, s, FenToWan(fen))
			}
		}
	}
}
