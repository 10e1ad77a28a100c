package forms

import (
	"bytes"
	"regexp"
	"testing"
)

// Every cell carries its reference, A1-style, in column order within its
// row: readers that need r= (WPS, older import libraries) open the forms.
func TestXLSX_EveryCellHasItsReference(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteProblems(&buf, seqOf(sampleCases())); err != nil {
		t.Fatal(err)
	}
	sheet := unzipSheet(t, buf.Bytes())
	rowRe := regexp.MustCompile(`<row r="(\d+)"[^>]*>(.*?)</row>`)
	cellRe := regexp.MustCompile(`<c( r="([A-Z]+)(\d+)")?`)
	rows := rowRe.FindAllSubmatch(sheet, -1)
	if len(rows) < len(sampleCases())+3 {
		t.Fatalf("%d rows", len(rows))
	}
	for _, row := range rows {
		cells := cellRe.FindAllSubmatch(row[2], -1)
		for i, c := range cells {
			if len(c[1]) == 0 {
				t.Fatalf("row %s: cell %d has no reference", row[1], i+1)
			}
			if want := string(appendColumn(nil, i)); string(c[2]) != want || string(c[3]) != string(row[1]) {
				t.Fatalf("row %s cell %d: r=%s%s, want %s%s", row[1], i+1, c[2], c[3], want, row[1])
			}
		}
	}
}

func TestAppendColumn(t *testing.T) {
	for i, want := range map[int]string{0: "A", 21: "V", 25: "Z", 26: "AA", 27: "AB", 51: "AZ", 52: "BA", 701: "ZZ", 702: "AAA"} {
		if got := string(appendColumn(nil, i)); got != want {
			t.Errorf("column %d: %s, want %s", i, got, want)
		}
	}
}
