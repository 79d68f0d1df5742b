-- Tier facts quarter by quarter, so the engine can read trailing-12-month figures and the
-- progression policy can look at consecutive quarters. Flows (revenue, QBRs, co-marketing)
-- are what happened in the quarter; stocks (certifications, references, sponsor, IPP score)
-- are their value at its end. Quarters are written 'YYYY-Qn', which sorts in time order.
CREATE TABLE partner_quarter_facts (
    partner_id UUID NOT NULL REFERENCES partners (id),
    quarter TEXT NOT NULL,
    sourced_revenue_minor BIGINT NOT NULL DEFAULT 0,
    qbrs BIGINT NOT NULL DEFAULT 0,
    co_marketing BIGINT NOT NULL DEFAULT 0,
    certified_people BIGINT NOT NULL DEFAULT 0,
    advanced_certified_people BIGINT NOT NULL DEFAULT 0,
    customer_references BIGINT NOT NULL DEFAULT 0,
    executive_sponsor TEXT NOT NULL DEFAULT 'none',
    ipp_score BIGINT NOT NULL DEFAULT 0,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (partner_id, quarter)
);

-- The single set of facts recorded before becomes the quarter it was recorded in, whole:
-- evaluated in that quarter it gives the same trailing figures as before.
INSERT INTO partner_quarter_facts (partner_id, quarter, sourced_revenue_minor, qbrs, co_marketing,
    certified_people, advanced_certified_people, customer_references, executive_sponsor, ipp_score, updated_at)
SELECT partner_id,
       to_char(updated_at AT TIME ZONE 'UTC', 'YYYY') || '-Q' || to_char(updated_at AT TIME ZONE 'UTC', 'Q'),
       sourced_revenue_12m_minor, qbrs_per_year, co_marketing_per_year, certified_people,
       advanced_certified_people, customer_references, executive_sponsor, ipp_score, updated_at
FROM partner_facts;

DROP TABLE partner_facts;
