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
    # 6: Stations seen recently (`kiosk stations`): events by time.
    """
    CREATE INDEX events_at ON events (at, station);
    """,
    # 7: Live tracking numbers unique per carrier: two stations can never record the same waybill at
    # once. A carrier may reuse a number after the duplicate window; such a shipment counts up `reuse_no`.
    """
    ALTER TABLE shipments ADD COLUMN reuse_no INTEGER NOT NULL DEFAULT 0;
    UPDATE shipments SET reuse_no = (
        SELECT COUNT(*) FROM shipments earlier
        WHERE earlier.carrier_id = shipments.carrier_id AND earlier.tracking_number = shipments.tracking_number
          AND earlier.voided_at IS NULL AND earlier.id < shipments.id
    ) WHERE voided_at IS NULL;
    CREATE UNIQUE INDEX shipments_live_tracking ON shipments (carrier_id, tracking_number, reuse_no)
        WHERE voided_at IS NULL;
    """,
    # 8: Orders taken off a station by another (cancelled, held, put back): the station is told at its
    # next login, in case it was off and its pack screen never showed it.
    """
    CREATE TABLE station_notices (
        id INTEGER PRIMARY KEY,
        station TEXT NOT NULL,
        order_id TEXT NOT NULL REFERENCES orders (order_id),
        status TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        seen_at TEXT
    );
    CREATE INDEX station_notices_unseen ON station_notices (station, seen_at);
    """,
    # 9: a tamper-evident audit log (issue 14): each event's hash seals the one before it
    # (kiosk.audit). Existing events are sealed here in id order; kiosk_event_hash is the SQL
    # function kiosk.audit.register_functions adds to every connection. The update trigger is set
    # aside for this one rewrite and put back as it was.
    """
    ALTER TABLE events ADD COLUMN hash TEXT;
    DROP TRIGGER events_no_update;
    CREATE TEMP TABLE event_chain (id INTEGER PRIMARY KEY, hash TEXT NOT NULL);
    WITH RECURSIVE chain (id, hash) AS (
        SELECT id, kiosk_event_hash(NULL, id, at, kind, order_id, operator, station, detail)
            FROM events WHERE id = (SELECT MIN(id) FROM events)
        UNION ALL
        SELECT e.id, kiosk_event_hash(chain.hash, e.id, e.at, e.kind, e.order_id, e.operator, e.station, e.detail)
            FROM chain JOIN events AS e ON e.id = (SELECT MIN(id) FROM events WHERE id > chain.id)
    )
    INSERT INTO temp.event_chain (id, hash) SELECT id, hash FROM chain;
    UPDATE events SET hash = (SELECT hash FROM temp.event_chain AS c WHERE c.id = events.id);
    DROP TABLE temp.event_chain;
    CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
    """,
    # 10: the supervisor's day (issue 17): indexes for the dispatch log's queries, carrier manifests
    # (one per carrier and ship date; the parcels on it, ticked off or carried to the next one), and
    # the handover book's target shift, linked orders and per-operator acknowledgements.
    """
    CREATE INDEX shipments_operator_shipped ON shipments (operator, shipped_at);
    CREATE INDEX shipments_carrier_shipped ON shipments (carrier_id, shipped_at);
    CREATE INDEX scans_order_time ON scans (order_id, scanned_at);
    CREATE INDEX events_order_kind ON events (order_id, kind, at);
    CREATE INDEX events_kind_at ON events (kind, at);
    CREATE INDEX problems_reported ON problems (reported_at);
    CREATE INDEX problems_resolved ON problems (resolved_at);
    CREATE INDEX orders_status_paid ON orders (status, paid_at);

    CREATE TABLE manifests (
        id INTEGER PRIMARY KEY,
        carrier_id TEXT NOT NULL,
        ship_date TEXT NOT NULL,
        -- Parcels shipped after this moment (the previous pickup) belong on the manifest.
        since TEXT NOT NULL,
        previous_id INTEGER REFERENCES manifests (id),
        opened_at TEXT NOT NULL,
        opened_by TEXT NOT NULL,
        station TEXT NOT NULL DEFAULT '',
        closed_at TEXT,
        closed_by TEXT,
        UNIQUE (carrier_id, ship_date)
    );
    CREATE INDEX manifests_open ON manifests (carrier_id, closed_at);
    -- A parcel ticked off (scanned_at set) or, written at the close, left behind (scanned_at NULL).
    CREATE TABLE manifest_parcels (
        manifest_id INTEGER NOT NULL REFERENCES manifests (id),
        shipment_id INTEGER NOT NULL REFERENCES shipments (id),
        scanned_at TEXT,
        scanned_by TEXT,
        PRIMARY KEY (manifest_id, shipment_id)
    ) WITHOUT ROWID;
    CREATE INDEX manifest_parcels_shipment ON manifest_parcels (shipment_id, scanned_at);

    ALTER TABLE handover_notes ADD COLUMN for_shift TEXT NOT NULL DEFAULT '';
    ALTER TABLE handover_notes ADD COLUMN for_start TEXT NOT NULL DEFAULT '';
    ALTER TABLE handover_notes ADD COLUMN for_end TEXT NOT NULL DEFAULT '';
    ALTER TABLE handover_notes ADD COLUMN station TEXT NOT NULL DEFAULT '';
    CREATE INDEX handover_notes_written ON handover_notes (written_at);
    CREATE INDEX handover_notes_for ON handover_notes (for_start);
    CREATE TABLE handover_note_orders (
        note_id INTEGER NOT NULL REFERENCES handover_notes (id),
        order_id TEXT NOT NULL REFERENCES orders (order_id),
        PRIMARY KEY (note_id, order_id)
    ) WITHOUT ROWID;
    CREATE TABLE handover_acks (
        note_id INTEGER NOT NULL REFERENCES handover_notes (id),
        operator TEXT NOT NULL REFERENCES operators (badge),
        acknowledged_at TEXT NOT NULL,
        station TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (note_id, operator)
    ) WITHOUT ROWID;
    """,
    # 11: after-sales (issue 18): search keys computed by SQLite (so every writer keeps them right),
    # the buyer's e-mail, resend orders, buyer claims after delivery, and returns item by item.
    """
    ALTER TABLE orders ADD COLUMN email TEXT NOT NULL DEFAULT '';
    -- The order whose items this one sends again (an after-sales case's resend).
    ALTER TABLE orders ADD COLUMN resend_of TEXT REFERENCES orders (order_id);
    -- "#1010", "SO-10005" and "so 10005" have the keys "1010" and "so10005".
    ALTER TABLE orders ADD COLUMN order_key TEXT GENERATED ALWAYS AS (
        lower(replace(replace(replace(replace(order_id, '#', ''), '-', ''), ' ', ''), '_', ''))
    ) VIRTUAL;
    ALTER TABLE orders ADD COLUMN phone_digits TEXT GENERATED ALWAYS AS (
        replace(replace(replace(replace(replace(replace(replace(
            phone, ' ', ''), '-', ''), '+', ''), '(', ''), ')', ''), '.', ''), '''', '')
    ) VIRTUAL;
    ALTER TABLE orders ADD COLUMN phone_tail TEXT GENERATED ALWAYS AS (substr(phone_digits, -4)) VIRTUAL;
    CREATE INDEX orders_key ON orders (order_key);
    CREATE INDEX orders_phone_tail ON orders (phone_tail);
    CREATE INDEX orders_email ON orders (email COLLATE NOCASE);
    CREATE INDEX orders_buyer_nocase ON orders (buyer_id COLLATE NOCASE);
    CREATE INDEX orders_resend_of ON orders (resend_of) WHERE resend_of IS NOT NULL;

    -- Full-text search of names, buyer ids and e-mails. Trigrams find any part of three
    -- characters or more; each field is padded with spaces so that a two-character query
    -- (most Chinese names, "Li") is found at the start or end of a word as " 张伟" or "张伟 ".
    -- The FTS rows are keyed by order_search_keys.id, a stable integer: an orders rowid may
    -- change in a VACUUM (orders has a text primary key).
    CREATE TABLE order_search_keys (
        id INTEGER PRIMARY KEY,
        order_id TEXT NOT NULL UNIQUE
    );
    CREATE VIRTUAL TABLE order_text USING fts5 (name, buyer, email, tokenize = 'trigram');
    INSERT INTO order_search_keys (order_id) SELECT order_id FROM orders ORDER BY created_at, order_id;
    INSERT INTO order_text (rowid, name, buyer, email)
        SELECT k.id, ' ' || o.recipient_name || ' ', ' ' || o.buyer_id || ' ', ' ' || o.email || ' '
        FROM order_search_keys k JOIN orders o ON o.order_id = k.order_id;
    CREATE TRIGGER orders_text_insert AFTER INSERT ON orders
    BEGIN
        INSERT INTO order_search_keys (order_id) VALUES (NEW.order_id);
        INSERT INTO order_text (rowid, name, buyer, email) VALUES (
            (SELECT id FROM order_search_keys WHERE order_id = NEW.order_id),
            ' ' || NEW.recipient_name || ' ', ' ' || NEW.buyer_id || ' ', ' ' || NEW.email || ' ');
    END;
    CREATE TRIGGER orders_text_update AFTER UPDATE OF recipient_name, buyer_id, email ON orders
    BEGIN
        DELETE FROM order_text WHERE rowid = (SELECT id FROM order_search_keys WHERE order_id = OLD.order_id);
        INSERT INTO order_text (rowid, name, buyer, email) VALUES (
            (SELECT id FROM order_search_keys WHERE order_id = NEW.order_id),
            ' ' || NEW.recipient_name || ' ', ' ' || NEW.buyer_id || ' ', ' ' || NEW.email || ' ');
    END;
    CREATE TRIGGER orders_text_delete AFTER DELETE ON orders
    BEGIN
        DELETE FROM order_text WHERE rowid = (SELECT id FROM order_search_keys WHERE order_id = OLD.order_id);
        DELETE FROM order_search_keys WHERE order_id = OLD.order_id;
    END;

    -- A buyer's claim after delivery, against one shipment.
    CREATE TABLE aftersales_cases (
        id INTEGER PRIMARY KEY,
        order_id TEXT NOT NULL REFERENCES orders (order_id),
        shipment_id INTEGER NOT NULL REFERENCES shipments (id),
        kind TEXT NOT NULL CHECK (kind IN (
            'item_missing', 'damaged_in_transit', 'wrong_item', 'not_received', 'other')),
        description TEXT NOT NULL DEFAULT '',
        request TEXT NOT NULL CHECK (request IN ('refund', 'resend', 'exchange', 'partial_refund')),
        amount REAL NOT NULL DEFAULT 0,
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN (
            'open', 'waiting_for_buyer', 'waiting_for_courier', 'resolved')),
        resolution TEXT NOT NULL DEFAULT '',
        resend_order_id TEXT REFERENCES orders (order_id),
        operator TEXT NOT NULL,
        station TEXT NOT NULL DEFAULT '',
        opened_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        resolved_at TEXT
    );
    CREATE INDEX aftersales_cases_order ON aftersales_cases (order_id);
    CREATE INDEX aftersales_cases_status ON aftersales_cases (status, opened_at);

    -- Returns: a parcel that came back (or a refund without one), covering lines of one or more
    -- orders of one buyer; what came back is in return_items, one row per scan.
    ALTER TABLE returns ADD COLUMN kind TEXT NOT NULL DEFAULT 'parcel';
    ALTER TABLE returns ADD COLUMN buyer_id TEXT NOT NULL DEFAULT '';
    ALTER TABLE returns ADD COLUMN case_id INTEGER REFERENCES aftersales_cases (id);
    ALTER TABLE returns ADD COLUMN accessories_complete INTEGER;
    ALTER TABLE returns ADD COLUMN packaging_complete INTEGER;
    ALTER TABLE returns ADD COLUMN note TEXT NOT NULL DEFAULT '';
    ALTER TABLE returns ADD COLUMN station TEXT NOT NULL DEFAULT '';
    ALTER TABLE returns ADD COLUMN closed_by TEXT;
    ALTER TABLE returns ADD COLUMN closed_at TEXT;
    CREATE INDEX returns_tracking ON returns (return_tracking);
    -- The orders a return covers (returns.order_id is the first of them).
    CREATE TABLE return_orders (
        return_id INTEGER NOT NULL REFERENCES returns (id),
        order_id TEXT NOT NULL REFERENCES orders (order_id),
        PRIMARY KEY (return_id, order_id)
    ) WITHOUT ROWID;
    CREATE INDEX return_orders_order ON return_orders (order_id);
    CREATE INDEX returns_status ON returns (status, created_at);
    CREATE TABLE return_items (
        id INTEGER PRIMARY KEY,
        return_id INTEGER NOT NULL REFERENCES returns (id),
        order_id TEXT NOT NULL,
        line_no INTEGER NOT NULL,
        raw_code TEXT NOT NULL DEFAULT '',
        quantity INTEGER NOT NULL CHECK (quantity > 0),
        condition TEXT NOT NULL DEFAULT '' CHECK (condition IN (
            '', 'sellable', 'customer_damaged', 'carrier_damaged', 'defective')),
        outcome TEXT NOT NULL DEFAULT '' CHECK (outcome IN ('', 'restock', 'refurbish', 'scrap')),
        operator TEXT NOT NULL,
        station TEXT NOT NULL DEFAULT '',
        received_at TEXT NOT NULL,
        FOREIGN KEY (order_id, line_no) REFERENCES order_lines (order_id, line_no)
    );
    CREATE INDEX return_items_return ON return_items (return_id);
    CREATE INDEX return_items_order ON return_items (order_id, line_no);
    """,
    # 12: Orders and catalogue in from the shop platforms, confirmations back out (issue 16).
    """
    -- A product made up from an order line whose sku the catalogue did not know: it needs an
    -- item label before it can be packed; cleared when a catalogue import brings its barcode.
    ALTER TABLE products ADD COLUMN needs_barcode INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX products_needs_barcode ON products (sku) WHERE needs_barcode = 1;
    -- The platform's id of the line (Amazon's order-item-id), which its confirmation names.
    ALTER TABLE order_lines ADD COLUMN platform_line_id TEXT NOT NULL DEFAULT '';
    -- The platform's own word for the order's state ("partially_refunded", "交易成功").
    ALTER TABLE orders ADD COLUMN platform_status TEXT NOT NULL DEFAULT '';

    CREATE TABLE imports (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('orders', 'catalogue')),
        file TEXT NOT NULL,
        format TEXT NOT NULL DEFAULT '',
        outcome TEXT NOT NULL CHECK (outcome IN ('done', 'refused')),
        imported INTEGER NOT NULL DEFAULT 0,
        updated INTEGER NOT NULL DEFAULT 0,
        unchanged INTEGER NOT NULL DEFAULT 0,
        rejected INTEGER NOT NULL DEFAULT 0,
        no_barcode INTEGER NOT NULL DEFAULT 0,
        message TEXT NOT NULL DEFAULT '',
        station TEXT NOT NULL DEFAULT '',
        finished_at TEXT NOT NULL
    );

    -- Which shipments were confirmed to which platform, so a second export leaves them out.
    CREATE TABLE confirmation_exports (
        shipment_id INTEGER NOT NULL REFERENCES shipments (id),
        format TEXT NOT NULL,
        file TEXT NOT NULL DEFAULT '',
        exported_at TEXT NOT NULL,
        PRIMARY KEY (shipment_id, format)
    ) WITHOUT ROWID;
    """,
    # 13: live sessions (issues 13 and 14): one badge is logged in at one station at a time; a
    # station has at most one operator. Removed at logout, or by a supervisor for a dead station.
    """
    CREATE TABLE sessions (
        badge TEXT PRIMARY KEY REFERENCES operators (badge),
        station TEXT NOT NULL UNIQUE,
        started_at TEXT NOT NULL
    ) WITHOUT ROWID;
    """,
    # 14: the queue screen lists this station's unprinted labels; a label reprinted since (and
    # printed) is dealt with, found through its reprints.
    """
    CREATE INDEX print_jobs_reprint_of ON print_jobs (reprint_of);
    """,
    # 15: a problem with the whole order approved short ships the units packed so far: the units
    # not packed then are its shortage, line by line (issue 13).
    """
    CREATE TABLE problem_lines (
        problem_id INTEGER NOT NULL REFERENCES problems (id),
        line_no INTEGER NOT NULL,
        quantity INTEGER NOT NULL CHECK (quantity > 0),
        PRIMARY KEY (problem_id, line_no)
    ) WITHOUT ROWID;
    """,
    # 16: the dispatch log reads each parcel's ordered units and its packing session's scan results
    # from indexes alone; the session index replaces the one without the result.
    """
    CREATE INDEX order_lines_quantity ON order_lines (order_id, quantity);
    CREATE INDEX scans_session ON scans (order_id, scanned_at, result);
    DROP INDEX scans_order_time;
    """,
    # 17: after-sales search (issue 18), the pinyin migration. Names are found by their pinyin too
    # ("zhang wei", "zhangwei", "zw" for 张伟): the full-text index gains a column, so it is built
    # again with it, kept by the same triggers. kiosk_name_pinyin is the SQL function that
    # kiosk.pinyin.register_functions adds to every kiosk connection (a bare sqlite3 shell cannot
    # insert orders or rename recipients).
    # A phone's tail lists its orders newest first from the index alone, without reading their rows.
    """
    DROP TRIGGER orders_text_insert;
    DROP TRIGGER orders_text_update;
    DROP TRIGGER orders_text_delete;
    DROP TABLE order_text;
    CREATE VIRTUAL TABLE order_text USING fts5 (name, buyer, email, pinyin, tokenize = 'trigram');
    INSERT INTO order_text (rowid, name, buyer, email, pinyin)
        SELECT k.id, ' ' || o.recipient_name || ' ', ' ' || o.buyer_id || ' ', ' ' || o.email || ' ',
               kiosk_name_pinyin(o.recipient_name)
        FROM order_search_keys k JOIN orders o ON o.order_id = k.order_id;
    CREATE TRIGGER orders_text_insert AFTER INSERT ON orders
    BEGIN
        INSERT INTO order_search_keys (order_id) VALUES (NEW.order_id);
        INSERT INTO order_text (rowid, name, buyer, email, pinyin) VALUES (
            (SELECT id FROM order_search_keys WHERE order_id = NEW.order_id),
            ' ' || NEW.recipient_name || ' ', ' ' || NEW.buyer_id || ' ', ' ' || NEW.email || ' ',
            kiosk_name_pinyin(NEW.recipient_name));
    END;
    CREATE TRIGGER orders_text_update AFTER UPDATE OF recipient_name, buyer_id, email ON orders
    BEGIN
        DELETE FROM order_text WHERE rowid = (SELECT id FROM order_search_keys WHERE order_id = OLD.order_id);
        INSERT INTO order_text (rowid, name, buyer, email, pinyin) VALUES (
            (SELECT id FROM order_search_keys WHERE order_id = NEW.order_id),
            ' ' || NEW.recipient_name || ' ', ' ' || NEW.buyer_id || ' ', ' ' || NEW.email || ' ',
            kiosk_name_pinyin(NEW.recipient_name));
    END;
    CREATE TRIGGER orders_text_delete AFTER DELETE ON orders
    BEGIN
        DELETE FROM order_text WHERE rowid = (SELECT id FROM order_search_keys WHERE order_id = OLD.order_id);
        DELETE FROM order_search_keys WHERE order_id = OLD.order_id;
    END;
    DROP INDEX orders_phone_tail;
    CREATE INDEX orders_phone_tail ON orders (phone_tail, created_at, order_id);
    """,
    # 18: a label handed to CUPS or a raw printer is marked before it goes, so that a kiosk killed
    # before it heard back knows the label may have printed (kiosk.print_queue.mark_sending).
    """
    ALTER TABLE print_jobs ADD COLUMN sending_at TEXT;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
