"""Ordered schema migrations, keyed on ``PRAGMA user_version``.

Migration N brings a database from version N-1 to N. Never edit a migration
that has shipped: add a new one, so that every station's database can be
brought forward in place.
"""

MIGRATIONS: list[str] = [
    # 1: the foundation schema.
    """
    CREATE TABLE products (
        sku TEXT PRIMARY KEY,
        style_id TEXT NOT NULL,
        name TEXT NOT NULL,
        colour TEXT NOT NULL DEFAULT '',
        size TEXT NOT NULL DEFAULT '',
        active INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX products_style ON products (style_id);

    CREATE TABLE barcodes (
        code TEXT PRIMARY KEY,
        sku TEXT NOT NULL REFERENCES products (sku),
        kind TEXT NOT NULL DEFAULT 'ean13'
    );
    CREATE INDEX barcodes_sku ON barcodes (sku);

    CREATE TABLE orders (
        order_id TEXT PRIMARY KEY,
        platform TEXT NOT NULL DEFAULT 'manual',
        buyer_id TEXT NOT NULL DEFAULT '',
        recipient_name TEXT NOT NULL DEFAULT '',
        phone TEXT NOT NULL DEFAULT '',
        address TEXT NOT NULL DEFAULT '',
        city TEXT NOT NULL DEFAULT '',
        province TEXT NOT NULL DEFAULT '',
        postal_code TEXT NOT NULL DEFAULT '',
        country TEXT NOT NULL DEFAULT '',
        buyer_note TEXT NOT NULL DEFAULT '',
        seller_note TEXT NOT NULL DEFAULT '',
        requested_carrier TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL CHECK (status IN (
            'awaiting_payment', 'paid', 'packing', 'shipped', 'on_hold', 'cancelled'
        )),
        hold_reason TEXT NOT NULL DEFAULT '',
        paid_at TEXT,
        created_at TEXT NOT NULL,
        priority INTEGER NOT NULL DEFAULT 0
    );
    -- The queue: paid orders, most urgent then oldest first.
    CREATE INDEX orders_queue ON orders (status, priority DESC, paid_at, order_id);
    CREATE INDEX orders_buyer ON orders (buyer_id);
    CREATE INDEX orders_phone ON orders (phone);
    CREATE INDEX orders_recipient ON orders (recipient_name);

    CREATE TABLE order_lines (
        order_id TEXT NOT NULL REFERENCES orders (order_id),
        line_no INTEGER NOT NULL,
        sku TEXT NOT NULL,
        name TEXT NOT NULL,
        colour TEXT NOT NULL DEFAULT '',
        size TEXT NOT NULL DEFAULT '',
        quantity INTEGER NOT NULL CHECK (quantity > 0),
        PRIMARY KEY (order_id, line_no)
    );
    CREATE INDEX order_lines_sku ON order_lines (sku);

    CREATE TABLE operators (
        badge TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('packer', 'supervisor', 'aftersales')),
        pin_hash TEXT NOT NULL,
        language TEXT NOT NULL DEFAULT '',
        active INTEGER NOT NULL DEFAULT 1
    );

    CREATE TABLE claims (
        order_id TEXT PRIMARY KEY REFERENCES orders (order_id),
        operator TEXT NOT NULL REFERENCES operators (badge),
        station TEXT NOT NULL,
        claimed_at TEXT NOT NULL,
        heartbeat_at TEXT NOT NULL
    );
    CREATE INDEX claims_station ON claims (station);

    CREATE TABLE scans (
        id INTEGER PRIMARY KEY,
        order_id TEXT NOT NULL REFERENCES orders (order_id),
        line_no INTEGER,
        raw_code TEXT NOT NULL,
        quantity INTEGER NOT NULL DEFAULT 1,
        result TEXT NOT NULL,
        operator TEXT NOT NULL,
        station TEXT NOT NULL,
        scanned_at TEXT NOT NULL,
        -- Set when the packer undoes the scan or puts the items back.
        undone_at TEXT
    );
    CREATE INDEX scans_order ON scans (order_id, result, undone_at);
    CREATE INDEX scans_operator ON scans (operator, scanned_at);

    CREATE TABLE shipments (
        id INTEGER PRIMARY KEY,
        order_id TEXT NOT NULL REFERENCES orders (order_id),
        carrier TEXT NOT NULL DEFAULT '',
        service TEXT NOT NULL DEFAULT '',
        tracking_number TEXT NOT NULL,
        tracking_url TEXT NOT NULL DEFAULT '',
        package_no INTEGER NOT NULL DEFAULT 1,
        package_count INTEGER NOT NULL DEFAULT 1,
        label_file TEXT NOT NULL DEFAULT '',
        operator TEXT NOT NULL,
        station TEXT NOT NULL,
        shipped_at TEXT NOT NULL,
        voided_at TEXT,
        void_reason TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX shipments_order ON shipments (order_id);
    CREATE INDEX shipments_tracking ON shipments (tracking_number, voided_at);
    CREATE INDEX shipments_shipped_at ON shipments (shipped_at);

    CREATE TABLE print_jobs (
        id INTEGER PRIMARY KEY,
        shipment_id INTEGER REFERENCES shipments (id),
        order_id TEXT,
        kind TEXT NOT NULL DEFAULT 'shipping_label',
        printer TEXT NOT NULL,
        file TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        error TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX print_jobs_status ON print_jobs (status);
    CREATE INDEX print_jobs_order ON print_jobs (order_id);

    CREATE TABLE problems (
        id INTEGER PRIMARY KEY,
        order_id TEXT NOT NULL REFERENCES orders (order_id),
        line_no INTEGER,
        kind TEXT NOT NULL CHECK (kind IN ('damaged', 'missing', 'wrong_item', 'short', 'other')),
        quantity INTEGER NOT NULL DEFAULT 0,
        description TEXT NOT NULL DEFAULT '',
        buyer_request TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'open',
        operator TEXT NOT NULL,
        reported_at TEXT NOT NULL
    );
    CREATE INDEX problems_order ON problems (order_id);
    CREATE INDEX problems_status ON problems (status);

    CREATE TABLE returns (
        id INTEGER PRIMARY KEY,
        order_id TEXT NOT NULL REFERENCES orders (order_id),
        return_tracking TEXT NOT NULL DEFAULT '',
        items TEXT NOT NULL DEFAULT '[]',
        condition TEXT NOT NULL DEFAULT '',
        completeness TEXT NOT NULL DEFAULT '',
        amount_difference REAL NOT NULL DEFAULT 0,
        status TEXT NOT NULL DEFAULT 'registered',
        operator TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX returns_order ON returns (order_id);

    CREATE TABLE handover_notes (
        id INTEGER PRIMARY KEY,
        shift TEXT NOT NULL,
        author TEXT NOT NULL,
        text TEXT NOT NULL,
        written_at TEXT NOT NULL,
        acknowledged_by TEXT,
        acknowledged_at TEXT
    );

    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        order_id TEXT,
        operator TEXT,
        station TEXT NOT NULL DEFAULT '',
        detail TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX events_order ON events (order_id, id);
    CREATE INDEX events_operator ON events (operator, kind, id);
    CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
    CREATE TRIGGER events_no_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
    """,
    # 2: problems at the desk (issue 7): what a report needs, approved short shipments,
    # and what each shipment actually carried, line by line.
    """
    ALTER TABLE problems ADD COLUMN purchase_date TEXT;
    ALTER TABLE problems ADD COLUMN photo_path TEXT NOT NULL DEFAULT '';
    ALTER TABLE problems ADD COLUMN station TEXT NOT NULL DEFAULT '';
    ALTER TABLE problems ADD COLUMN approved_by TEXT;
    ALTER TABLE problems ADD COLUMN resolution TEXT NOT NULL DEFAULT '';
    ALTER TABLE problems ADD COLUMN resolved_by TEXT;
    ALTER TABLE problems ADD COLUMN resolved_at TEXT;

    CREATE TABLE shipment_lines (
        shipment_id INTEGER NOT NULL REFERENCES shipments (id),
        line_no INTEGER NOT NULL,
        quantity INTEGER NOT NULL CHECK (quantity >= 0),
        PRIMARY KEY (shipment_id, line_no)
    );
    CREATE INDEX claims_heartbeat ON claims (heartbeat_at);
    CREATE INDEX orders_status_created ON orders (status, created_at);
    """,
    # 3: print jobs (issue 5): what an item-label job prints, who asked and why (reprints), where it
    # is retried from, whether a retry can help, and labels made void with their shipment.
    """
    ALTER TABLE print_jobs ADD COLUMN copies INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE print_jobs ADD COLUMN detail TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE print_jobs ADD COLUMN reason TEXT NOT NULL DEFAULT '';
    ALTER TABLE print_jobs ADD COLUMN operator TEXT;
    ALTER TABLE print_jobs ADD COLUMN station TEXT NOT NULL DEFAULT '';
    ALTER TABLE print_jobs ADD COLUMN reprint_of INTEGER REFERENCES print_jobs (id);
    ALTER TABLE print_jobs ADD COLUMN retryable INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE print_jobs ADD COLUMN voided_at TEXT;
    CREATE INDEX print_jobs_shipment ON print_jobs (shipment_id);
    CREATE INDEX print_jobs_station ON print_jobs (station, status);
    """,
    # 4: waybills (issue 4): the carrier id the tracking number was identified as, so duplicates
    # are checked per carrier whatever name the carrier is shown under.
    """
    ALTER TABLE shipments ADD COLUMN carrier_id TEXT NOT NULL DEFAULT '';
    CREATE INDEX shipments_carrier_tracking ON shipments (carrier_id, tracking_number, shipped_at);
    """,
    # 5: the number of orders in each status, kept by triggers in the same transaction as the
    # change: the queue's "of 100,000 paid orders" is one row read, not a count over an index.
    """
    CREATE TABLE order_status_counts (
        status TEXT PRIMARY KEY,
        orders INTEGER NOT NULL CHECK (orders >= 0)
    ) WITHOUT ROWID;
    INSERT INTO order_status_counts (status, orders) SELECT status, COUNT(*) FROM orders GROUP BY status;
    CREATE TRIGGER orders_counted_insert AFTER INSERT ON orders
    BEGIN
        INSERT INTO order_status_counts (status, orders) VALUES (NEW.status, 1)
            ON CONFLICT (status) DO UPDATE SET orders = orders + 1;
    END;
    CREATE TRIGGER orders_counted_delete AFTER DELETE ON orders
    BEGIN
        UPDATE order_status_counts SET orders = orders - 1 WHERE status = OLD.status;
    END;
    CREATE TRIGGER orders_counted_status AFTER UPDATE OF status ON orders WHEN OLD.status IS NOT NEW.status
    BEGIN
        UPDATE order_status_counts SET orders = orders - 1 WHERE status = OLD.status;
        INSERT INTO order_status_counts (status, orders) VALUES (NEW.status, 1)
            ON CONFLICT (status) DO UPDATE SET orders = orders + 1;
    END;
    """,
    # 6: live sessions (issues 13 and 14): one badge is logged in at one station at a time; a
    # station has at most one operator. Removed at logout, or by a supervisor for a dead station.
    """
    CREATE TABLE sessions (
        badge TEXT PRIMARY KEY REFERENCES operators (badge),
        station TEXT NOT NULL UNIQUE,
        started_at TEXT NOT NULL
    ) WITHOUT ROWID;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
