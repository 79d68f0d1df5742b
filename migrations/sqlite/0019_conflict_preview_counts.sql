-- Conflict previews asked for by each partner organisation per clock hour (hours since
-- 1970), counted in the database so the limit holds across servers. A partner's older hours
-- are deleted when it starts a new one: about one row per partner.
CREATE TABLE conflict_preview_counts (
    partner_id BLOB NOT NULL,
    hour BIGINT NOT NULL,
    previews BIGINT NOT NULL,
    PRIMARY KEY (partner_id, hour)
);
