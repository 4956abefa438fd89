-- 差评 and complaints about a case, as the department's work orders: what the
-- applicant wrote and the reply are sealed (bound to the row); due in fifteen
-- working days.
CREATE TABLE work_orders (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    case_number TEXT,
    department TEXT NOT NULL,
    body TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    due_on TEXT NOT NULL,
    reply TEXT,
    replied_at TEXT,
    replied_by TEXT
);
CREATE INDEX work_orders_department ON work_orders (department, replied_at, due_on);
CREATE INDEX work_orders_case ON work_orders (case_number);
