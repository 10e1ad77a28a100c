package app

import (
	"time"

	"zhengzhi/domain"
	"zhengzhi/store"
)

// activeDelegation is the delegation userID holds in force at now, or nil
// (domain.DelegationInForce decides among the ones held).
func activeDelegation(r store.Reader, userID int64, now time.Time) (*domain.Delegation, error) {
	held, err := r.HeldDelegations(userID, now)
	if err != nil {
		return nil, err
	}
	return domain.DelegationInForce(held, now), nil
}
