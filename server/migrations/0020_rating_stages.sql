-- 好差评 at 受理 and at 办结, each in rounds (a second completion rating after
-- the department answered an unhappy one), with the channel it came through
-- (a default rating is its own channel). The one-per-case table moves here;
-- the rating (its reason is the applicant's words) is sealed, bound to `id`
-- (`case:stage:round`): the rows an older version kept in clear are sealed
-- at the next start.
CREATE TABLE case_ratings (
    id TEXT NOT NULL UNIQUE,
    case_number TEXT NOT NULL,
    stage TEXT NOT NULL,
    round INTEGER NOT NULL,
    department TEXT NOT NULL,
    overall INTEGER NOT NULL,
    rating TEXT NOT NULL,
    channel TEXT NOT NULL,
    rated_at TEXT NOT NULL,
    PRIMARY KEY (case_number, stage, round)
);
INSERT INTO case_ratings (id, case_number, stage, round, department, overall, rating, channel, rated_at)
    SELECT case_number || ':completion:1', case_number, 'completion', 1, department, overall, rating, 'pc', rated_at
    FROM ratings;
DROP TABLE ratings;
-- 回访: after the reply, the department calls the applicant back and records the result.
ALTER TABLE work_orders ADD COLUMN visit_result TEXT;
ALTER TABLE work_orders ADD COLUMN visit_note TEXT;
ALTER TABLE work_orders ADD COLUMN visited_at TEXT;
ALTER TABLE work_orders ADD COLUMN visited_by TEXT;
