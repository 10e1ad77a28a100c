package forms

import (
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"iter"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zhengzhi/domain"
)

var benchRows = flag.Int("rows", 100_000, "rows per export in the XLSX/CSV benchmarks")

// realCases yields n cases as varied as a real 附件1: distinct unit names,
// addresses, persons and free-text descriptions drawn from word pools by a
// seeded generator, every category, status and amount. (manyCases, with
// seven rows repeated, deflates several times better than real data and
// would flatter the XLSX writer.)
func realCases(n int) iter.Seq2[*domain.Case, error] {
	towns := []string{"钟楼经济开发区", "邹区镇", "西林街道", "南大街街道", "荷花池街道", "新闸街道", "五星街道", "永红街道", "北港街道"}
	places := []string{"卜弋", "岳津", "前村", "后塘", "新桥", "河口", "东庄", "西湖", "南庄", "北塘", "龙城", "星港", "白云", "青山", "红梅", "金坛", "芦墅", "采菱"}
	trades := []string{"五金", "电镀", "喷涂", "印染", "木器", "塑料", "化工", "机械", "铸造", "建材", "纺织", "家具", "不锈钢", "橡胶", "包装"}
	kinds := []string{"加工厂", "有限公司", "经营部", "作坊", "制品厂", "科技有限公司", "加工点"}
	surnames := []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗"}
	given := []string{"伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "建国", "志强", "海燕", "国平"}
	phrases := []string{"无证无照", "擅自从事", "电镀加工", "废水直排", "未办理环评手续", "露天喷涂", "废气未经处理直接排放",
		"取缔名单企业擅自恢复生产", "粉尘收集设施缺失", "存在爆炸风险", "印染废水偷排", "危险废物随意堆放", "生产设备未拆除",
		"原料未清理", "夜间偷偷生产", "租用民房", "群众多次举报", "现场查见", "已责令停止生产", "已断水断电", "拒不整改",
		"消防通道堵塞", "无营业执照", "超范围经营", "小冶炼炉", "熔炼废铝", "使用燃煤锅炉", "车间通风不良"}
	cats := []domain.Category{domain.CatStopped, domain.CatSmelting, domain.CatElectroplating, domain.CatSpraying,
		domain.CatDyeing, domain.CatDust, domain.CatOther}
	shut := []domain.Shutdown{domain.ShutdownNone, domain.ShutdownSuspended, domain.ShutdownClosed, domain.ShutdownBanned}
	onsite := []domain.Onsite{domain.OnsiteNotStarted, domain.OnsiteInProgress, domain.OnsiteDone}
	clears := []map[string]bool{nil, {}, {}}
	for _, it := range domain.DefaultClearItems {
		clears[1][it] = true
		clears[2][it] = it != domain.ItemPower
	}
	return func(yield func(*domain.Case, error) bool) {
		rng := rand.New(rand.NewPCG(1, 2))
		pick := func(s []string) string { return s[rng.IntN(len(s))] }
		var desc strings.Builder
		for i := range n {
			town := pick(towns)
			desc.Reset()
			for range 1 + rng.IntN(6) {
				desc.WriteString(pick(phrases))
				desc.WriteString("，")
			}
			desc.WriteString(pick(phrases))
			c := &domain.Case{ProblemNo: fmt.Sprintf("320404%03d-2020-%05d", rng.IntN(12), i+1), TownName: town,
				CaseFields: domain.CaseFields{
					UnitName:       "常州市" + pick(places) + pick(trades) + pick(kinds),
					Category:       cats[rng.IntN(len(cats))],
					Address:        town + pick(places) + "村" + strconv.Itoa(1+rng.IntN(300)) + "号",
					PersonInCharge: pick(surnames) + pick(given),
					Description:    desc.String(),
					Shutdown:       shut[rng.IntN(len(shut))],
					Clears:         clears[rng.IntN(len(clears))],
					CaseFiled:      rng.IntN(3) == 0,
					OnsiteStatus:   onsite[rng.IntN(len(onsite))],
				}}
			if c.CaseFiled {
				c.FineFen = int64(rng.IntN(50)) * 100_000
				c.ConfiscatedFen = int64(rng.IntN(3)) * 1_234_500
				c.JudicialPersons = rng.IntN(2)
			}
			if !yield(c, nil) {
				return
			}
		}
	}
}

// csvProblems is the baseline: encoding/csv of the same 附件1 cells.
func csvProblems(w io.Writer, n int) error {
	cw := csv.NewWriter(w)
	rec := make([]string, len(att1.cols))
	i := 0
	for c, err := range realCases(n) {
		if err != nil {
			return err
		}
		i++
		for j, col := range att1.cols {
			switch col.kind {
			case kindSerial:
				rec[j] = strconv.Itoa(i)
			case kindText, kindCentre:
				rec[j] = col.text(c)
			case kindCount:
				rec[j] = strconv.FormatInt(col.num(c), 10)
			case kindWan:
				rec[j] = domain.FenToWan(col.num(c))
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func BenchmarkAtt1CSV(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if err := csvProblems(io.Discard, *benchRows); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAtt1XLSX(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteProblems(io.Discard, realCases(*benchRows)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAtt1XLSXvsCSV writes the same -rows rows of 附件1 as XLSX and
// as encoding/csv, alternating within each iteration so that both see the
// same machine load, and reports their ratio (target ≤ 3).
func BenchmarkAtt1XLSXvsCSV(b *testing.B) {
	var xlsx, csv, xlsxCPU, csvCPU time.Duration
	for b.Loop() {
		start, startCPU := time.Now(), cpuTime()
		if err := csvProblems(io.Discard, *benchRows); err != nil {
			b.Fatal(err)
		}
		mid, midCPU := time.Now(), cpuTime()
		if err := WriteProblems(io.Discard, realCases(*benchRows)); err != nil {
			b.Fatal(err)
		}
		csv += mid.Sub(start)
		csvCPU += midCPU - startCPU
		xlsx += time.Since(mid)
		xlsxCPU += cpuTime() - midCPU
	}
	b.ReportMetric(csv.Seconds()/float64(b.N), "s-csv/op")
	b.ReportMetric(xlsx.Seconds()/float64(b.N), "s-xlsx/op")
	b.ReportMetric(float64(xlsx)/float64(csv), "xlsx/csv")
	// CPU time counts both of the XLSX writer's goroutines (and the GC):
	// the cost on a machine with no core to spare.
	b.ReportMetric(float64(xlsxCPU)/float64(csvCPU), "xlsx/csv-cpu")
}

// peakHeapGrowth runs write while sampling runtime.MemStats.HeapInuse every
// few milliseconds, and returns the highest HeapInuse seen above the level
// before write started, and the bytes written.
func peakHeapGrowth(write func(io.Writer) error) (grow uint64, out *countingWriter, err error) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var ms runtime.MemStats
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	cw := &countingWriter{start: time.Now()}
	err = write(cw)
	close(done)
	wg.Wait()
	if p := peak.Load(); p > base {
		grow = p - base
	}
	return grow, cw, err
}

// countingWriter discards what it is given, counting it and noting when
// the first byte came.
type countingWriter struct {
	n     int64
	start time.Time
	first time.Duration
}

func (c *countingWriter) Write(p []byte) (int, error) {
	if c.n == 0 && len(p) > 0 {
		c.first = time.Since(c.start)
	}
	c.n += int64(len(p))
	return len(p), nil
}

// BenchmarkAtt1XLSXHeap reports the peak heap growth (HeapInuse above the
// level before the export) while writing -rows rows of 附件1 to a
// discarding writer: it must stay flat whatever -rows is.
func BenchmarkAtt1XLSXHeap(b *testing.B) {
	var grow uint64
	var first time.Duration
	var size int64
	for b.Loop() {
		g, out, err := peakHeapGrowth(func(w io.Writer) error { return WriteProblems(w, realCases(*benchRows)) })
		if err != nil {
			b.Fatal(err)
		}
		grow, first, size = max(grow, g), max(first, out.first), out.n
	}
	b.ReportMetric(float64(grow)/(1<<20), "MiB-peak-heap-growth")
	b.ReportMetric(first.Seconds(), "s-to-first-byte")
	b.ReportMetric(float64(size)/(1<<20), "MiB-file")
}
