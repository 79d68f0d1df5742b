-- Exchange rates finance imports: 1 `currency` is worth `rate` units of `to_currency` (the
-- program currency when imported) from `effective_on` ('YYYY-MM-DD') on. The rate is exact
-- decimal text, never a float. Importing a rate for the same currency and day again replaces it.
CREATE TABLE exchange_rates (
    currency TEXT NOT NULL,
    to_currency TEXT NOT NULL,
    effective_on TEXT NOT NULL,
    rate TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (to_currency, currency, effective_on)
);
