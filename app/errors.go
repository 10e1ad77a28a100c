package app

import (
	"errors"

	"zhengzhi/domain"
	"zhengzhi/store"
)

// found turns the store's not-found into the domain's, naming what was
// looked for (问题, 场所, …) the way the user sees it; other errors pass.
func found(err error, what string) error {
	if errors.Is(err, store.ErrNotFound) {
		return domain.NotFound(what)
	}
	return err
}
