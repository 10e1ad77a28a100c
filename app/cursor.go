package app

import (
	"encoding/base64"
	"encoding/json"

	"zhengzhi/domain"
)

// cursor is a list's position for keyset paging (after=): the order it was
// taken in, the last row's value of the order's column and its id, and how
// many rows came before the page it leads to (for showing a page number;
// rows added meanwhile may shift it). Clients see it as an opaque string.
type cursor struct {
	Sort  string `json:"s"`
	Value string `json:"v,omitempty"`
	ID    int64  `json:"i"`
	Pos   int    `json:"n"`
}

func (c cursor) String() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// parseCursor reads an after= cursor taken in the order sort.
func parseCursor(s, sort string) (*cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	var c cursor
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.ID <= 0 || c.Pos < 0 {
		return nil, domain.Invalid("after", "after 不是有效的翻页位置")
	}
	if c.Sort != sort {
		return nil, domain.Invalid("after", "after 的排序与本次请求的排序不同")
	}
	return &c, nil
}
