-- Reads of wins by close day: the tracker's months and the quarter's wins read the won
-- rollups from a day on, and the few confirmed wins without credited activity (which the
-- co-sell policy takes out of the tracker's revenue) from the registrations closed since.
CREATE INDEX pipeline_won_closed ON pipeline_won (closed_on, confirmed);
CREATE INDEX deal_registrations_closed ON deal_registrations (status, closed_on);
