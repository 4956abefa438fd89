-- The national-format front database (前置库) Bianmin writes a case's records
-- to, one row per record: a province's ETL reads them by batch. Every table
-- has the sync columns: sync_id (one per row, so a retried delivery writes
-- nothing twice), batch_id (the outbox notification), operation (I a new
-- case row, U a change to it), sync_time, and event_seq (the case's event
-- it reports, 0 the submission: apply a case's rows in this order). Values are text; times are
-- GB/T 39046's YYYYMMDDThhmmss.
CREATE TABLE IF NOT EXISTS up_pro_accept (
    sync_id TEXT PRIMARY KEY, batch_id TEXT NOT NULL, operation TEXT NOT NULL, sync_time TEXT NOT NULL, event_seq BIGINT NOT NULL,
    project_no TEXT NOT NULL, task_code TEXT, task_name TEXT, basic_code TEXT, case_type TEXT, data_source TEXT,
    apply_date TEXT, region_code TEXT,
    applyer_name TEXT, applyer_id_type TEXT, applyer_id_no TEXT, applyer_phone TEXT, applyer_address TEXT, legal_man TEXT,
    agent_name TEXT, agent_id_type TEXT, agent_id_no TEXT, agent_phone TEXT,
    accept_dept TEXT, accept_dept_code TEXT, accept_user TEXT, accept_date TEXT, accept_doc_no TEXT,
    promise_date TEXT, accept_result TEXT, not_accept_reason TEXT
);
CREATE TABLE IF NOT EXISTS up_pro_material (
    sync_id TEXT PRIMARY KEY, batch_id TEXT NOT NULL, operation TEXT NOT NULL, sync_time TEXT NOT NULL, event_seq BIGINT NOT NULL,
    project_no TEXT NOT NULL, material_name TEXT, is_received TEXT, receive_type TEXT, file_count TEXT, receive_date TEXT
);
CREATE TABLE IF NOT EXISTS up_pro_process (
    sync_id TEXT PRIMARY KEY, batch_id TEXT NOT NULL, operation TEXT NOT NULL, sync_time TEXT NOT NULL, event_seq BIGINT NOT NULL,
    project_no TEXT NOT NULL, event_name TEXT, process_name TEXT, handle_explain TEXT, handle_user_name TEXT,
    event_start_time TEXT, event_end_time TEXT, process_status TEXT
);
CREATE TABLE IF NOT EXISTS up_pro_special_procedure (
    sync_id TEXT PRIMARY KEY, batch_id TEXT NOT NULL, operation TEXT NOT NULL, sync_time TEXT NOT NULL, event_seq BIGINT NOT NULL,
    project_no TEXT NOT NULL, special_type TEXT, special_name TEXT, special_reason TEXT, special_user TEXT,
    special_start_time TEXT, special_end_time TEXT, special_result TEXT, special_days TEXT, special_dept TEXT
);
CREATE TABLE IF NOT EXISTS up_pro_result (
    sync_id TEXT PRIMARY KEY, batch_id TEXT NOT NULL, operation TEXT NOT NULL, sync_time TEXT NOT NULL, event_seq BIGINT NOT NULL,
    project_no TEXT NOT NULL, result_type TEXT, result_date TEXT, result_explain TEXT, result_user TEXT,
    result_doc_no TEXT, result_cetr_name TEXT, result_cetr_no TEXT, cetr_valid_date TEXT, cetr_dept TEXT,
    is_express TEXT, is_charge TEXT
);
CREATE TABLE IF NOT EXISTS up_pro_evaluate (
    sync_id TEXT PRIMARY KEY, batch_id TEXT NOT NULL, operation TEXT NOT NULL, sync_time TEXT NOT NULL, event_seq BIGINT NOT NULL,
    project_no TEXT NOT NULL, eval_channel TEXT, eval_date TEXT, eval_times TEXT, satisfaction TEXT,
    eval_reason TEXT, eval_stage TEXT
);
