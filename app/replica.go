package app

import (
	"context"

	"zhengzhi/store"
)

// listReader is the reader of the heavy read-only use cases — the live
// 附件2 and 附件1, the case list: the store's read replica when one is
// configured and keeping up, else the primary (store.DB.ReadReplica). What
// it reads may lag the last writes by up to the replica's bound (a few
// seconds at most), so a use case that must see its own or the previous
// request's writes reads s.db.Reader or runs inside a Write instead, and a
// request right after a POST is marked with store.ReadPrimary.
func (s *App) listReader(ctx context.Context) store.Reader { return s.db.ReadReplica(ctx) }

// ReadPrimary marks ctx so that the use cases under it read the primary
// even where they could read the replica: for the request that follows a
// change by the same user.
func ReadPrimary(ctx context.Context) context.Context { return store.ReadPrimary(ctx) }
