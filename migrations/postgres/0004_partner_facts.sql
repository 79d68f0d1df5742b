-- What the tier engine reads about a partner until live sources (deals, certifications, QBRs)
-- replace them: values entered by partner managers or imported. Money in minor units.
CREATE TABLE partner_facts (
    partner_id UUID PRIMARY KEY NOT NULL REFERENCES partners (id),
    sourced_revenue_12m_minor BIGINT NOT NULL DEFAULT 0,
    certified_people BIGINT NOT NULL DEFAULT 0,
    advanced_certified_people BIGINT NOT NULL DEFAULT 0,
    customer_references BIGINT NOT NULL DEFAULT 0,
    qbrs_per_year BIGINT NOT NULL DEFAULT 0,
    executive_sponsor TEXT NOT NULL DEFAULT 'none',
    co_marketing_per_year BIGINT NOT NULL DEFAULT 0,
    ipp_score BIGINT NOT NULL DEFAULT 0,
    updated_at TIMESTAMPTZ NOT NULL
);
