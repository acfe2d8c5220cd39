import Foundation
import GRDB
import Reports

/// The run registry: a SQLite database (one per user by default, see `defaultPath`) with one
/// row per run and one row per metric, so past runs can be listed, shown and compared.
///
/// It is opened in WAL mode and written in single transactions with a busy timeout, so runs
/// finishing at the same time in several processes each land whole.
public struct RunRegistry {
    /// Where the registry lives unless `--registry` says otherwise: `$COLLECTSIM_REGISTRY`, else
    /// `collectsim/runs.sqlite` in the user's data folder (`$XDG_DATA_HOME`, or
    /// `~/.local/share` when it is unset or not absolute, as the XDG base directory spec says).
    /// One place per user, whatever the current folder: following a report's "reproduce" line
    /// inside a run folder must not start a second registry there.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit = environment["COLLECTSIM_REGISTRY"], !explicit.isEmpty { return explicit }
        let dataHome = environment["XDG_DATA_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
            ?? ((environment["HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? NSHomeDirectory()) as NSString).appendingPathComponent(".local/share")
        return (dataHome as NSString).appendingPathComponent("collectsim/runs.sqlite")
    }

    public struct RunRecord: Sendable {
        public let id: Int64
        public let createdAt: String
        public let scenario: String
        public let scenarioHash: String
        public let seed: String
        public let replications: Int
        public let population: Int
        public let horizonDays: Int
        public let version: String
        public let commandLine: String
        public let folder: String
        public let partial: Bool
        public let baseline: String
        public let headline: String
    }

    public struct MetricRecord: Sendable {
        public let strategy: String
        public let group: String
        public let metric: String
        public let mean: Double
        public let low: Double
        public let high: Double
        public let n: Int
    }

    let pool: DatabasePool

    /// A registry file that is not a sound SQLite database (truncated, overwritten, a page
    /// corrupted), found when it is opened: nothing is written into it.
    public struct Damaged: Error, CustomStringConvertible {
        public let path: String
        public let detail: String
        public var description: String {
            "the run registry \(path) is damaged (\(detail)); move it aside (mv \(path) \(path).damaged) and a new one is made on the next run"
        }
    }

    /// Opens (or creates) the registry at `path` and checks it (`PRAGMA quick_check`) before
    /// anything is written: a damaged file is `Damaged`, never written into.
    public init(path: String) throws {
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        var config = Configuration()
        config.busyMode = .timeout(60)
        do {
            pool = try Self.retrying { try DatabasePool(path: path, configuration: config) }
            let check = try pool.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") }
            guard check == ["ok"] else { throw Damaged(path: path, detail: "quick_check: " + check.prefix(3).joined(separator: "; ")) }
        } catch let e as DatabaseError where [ResultCode.SQLITE_NOTADB, .SQLITE_CORRUPT].contains(e.resultCode.primaryResultCode) {
            throw Damaged(path: path, detail: e.message ?? "\(e.resultCode)")
        }
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE runs (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    created_at TEXT NOT NULL,
                    scenario TEXT NOT NULL,
                    scenario_sha256 TEXT NOT NULL,
                    seed TEXT NOT NULL,
                    replications INTEGER NOT NULL,
                    population INTEGER NOT NULL,
                    horizon_days INTEGER NOT NULL,
                    version TEXT NOT NULL,
                    command_line TEXT NOT NULL,
                    folder TEXT NOT NULL,
                    partial INTEGER NOT NULL,
                    baseline TEXT NOT NULL,
                    headline TEXT NOT NULL
                );
                CREATE TABLE run_metrics (
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    strategy TEXT NOT NULL,
                    grp TEXT NOT NULL,
                    metric TEXT NOT NULL,
                    mean REAL,
                    ci_low REAL,
                    ci_high REAL,
                    n INTEGER NOT NULL,
                    PRIMARY KEY (run_id, strategy, grp, metric)
                );
                """)
        }
        migrator.registerMigration("v2-experiments") { db in
            try db.execute(sql: """
                CREATE TABLE experiments (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    created_at TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    scenario TEXT NOT NULL,
                    scenario_sha256 TEXT NOT NULL,
                    seed TEXT NOT NULL,
                    evaluations INTEGER NOT NULL,
                    budget INTEGER NOT NULL,
                    version TEXT NOT NULL,
                    command_line TEXT NOT NULL,
                    folder TEXT NOT NULL,
                    partial INTEGER NOT NULL,
                    headline TEXT NOT NULL
                );
                CREATE TABLE experiment_results (
                    experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
                    row INTEGER NOT NULL,
                    item TEXT NOT NULL,
                    strategy TEXT NOT NULL,
                    metric TEXT NOT NULL,
                    value REAL,
                    ci_low REAL,
                    ci_high REAL,
                    n INTEGER NOT NULL,
                    PRIMARY KEY (experiment_id, row)
                );
                """)
        }
        try Self.retrying { [pool] in try migrator.migrate(pool) }
    }

    /// An experiment (sweep, sensitivity, optimize, calibrate) as the registry keeps it: what
    /// ran, and its results as rows of (item, strategy, metric, value with CI).
    public struct ExperimentEntry: Sendable {
        public typealias Row = ExperimentResultRow
        public var id: Int64 = 0
        public var createdAt = ""
        public let kind: String
        public let scenario: String
        public let scenarioHash: String
        public let seed: String
        public let evaluations: Int
        public let budget: Int
        public let version: String
        public var commandLine = ""
        public var folder = ""
        public let partial: Bool
        public let headline: String
        public var rows: [Row]
        public init(kind: String, scenario: String, scenarioHash: String, seed: String, evaluations: Int, budget: Int,
                    version: String, partial: Bool, headline: String, rows: [Row]) {
            self.kind = kind; self.scenario = scenario; self.scenarioHash = scenarioHash; self.seed = seed
            self.evaluations = evaluations; self.budget = budget; self.version = version; self.partial = partial
            self.headline = headline; self.rows = rows
        }
    }

    /// Records an experiment; returns its id.
    @discardableResult
    public func record(experiment e: ExperimentEntry, folder: String, commandLine: String, createdAt: Date = Date()) throws -> Int64 {
        let time = ISO8601DateFormatter().string(from: createdAt)
        return try pool.write { db in
            // Recording the same finished folder again (a resume after the registry failed, or
            // after a kill between the record and the evaluations' removal) replaces its row.
            try db.execute(sql: "DELETE FROM experiments WHERE folder = ? AND scenario_sha256 = ? AND kind = ? AND partial = ? AND evaluations = ?",
                           arguments: [folder, e.scenarioHash, e.kind, e.partial, e.evaluations])
            try db.execute(sql: """
                INSERT INTO experiments (created_at, kind, scenario, scenario_sha256, seed, evaluations, budget, version,
                                         command_line, folder, partial, headline)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [time, e.kind, e.scenario, e.scenarioHash, e.seed, e.evaluations, e.budget, e.version,
                                 commandLine, folder, e.partial, e.headline])
            let id = db.lastInsertedRowID
            let insert = try db.makeStatement(sql: "INSERT INTO experiment_results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
            for (i, r) in e.rows.enumerated() {
                try insert.execute(arguments: [id, i, r.item, r.strategy, r.metric, finite(r.value), finite(r.low), finite(r.high), r.n])
            }
            return id
        }
    }

    /// Every recorded experiment, oldest first, without its rows.
    public func experiments() throws -> [ExperimentEntry] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM experiments ORDER BY id").map(Self.experiment)
        }
    }

    static func experiment(_ row: Row) -> ExperimentEntry {
        var e = ExperimentEntry(kind: row["kind"], scenario: row["scenario"], scenarioHash: row["scenario_sha256"], seed: row["seed"],
                                evaluations: row["evaluations"], budget: row["budget"], version: row["version"],
                                partial: row["partial"], headline: row["headline"], rows: [])
        e.id = row["id"]; e.createdAt = row["created_at"]; e.commandLine = row["command_line"]; e.folder = row["folder"]
        return e
    }

    /// One experiment with its rows.
    public func experiment(_ id: Int64) throws -> ExperimentEntry? {
        guard var e = try pool.read({ db in
            try Row.fetchOne(db, sql: "SELECT * FROM experiments WHERE id = ?", arguments: [id]).map(Self.experiment)
        }) else { return nil }
        e.rows = try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM experiment_results WHERE experiment_id = ? ORDER BY row", arguments: [id]).map { row in
                ExperimentEntry.Row(item: row["item"], strategy: row["strategy"], metric: row["metric"], value: row["value"] ?? .nan,
                                    low: row["ci_low"] ?? .nan, high: row["ci_high"] ?? .nan, n: row["n"])
            }
        }
        return e
    }

    /// Several runs may open a new registry at the same moment. Switching it to WAL and creating
    /// the tables happen once, in whichever process gets there first; another one can then see
    /// SQLITE_BUSY (a lock upgrade the busy timeout cannot wait out) or a migration that lost the
    /// race. Trying again, after a short pause, finds the registry ready.
    static func retrying<T>(_ body: () throws -> T) throws -> T {
        var attempt = 0
        while true {
            do { return try body() } catch is DatabaseError where attempt < 8 {
                attempt += 1
                Thread.sleep(forTimeInterval: 0.02 * Double(attempt))
            }
        }
    }

    /// Records a finished (or partial) run from its report data; returns the new run's id.
    @discardableResult
    public func record(_ data: ReportData, folder: String, commandLine: String, createdAt: Date = Date()) throws -> Int64 {
        let time = ISO8601DateFormatter().string(from: createdAt)
        let headline = Self.headlineText(data)
        return try pool.write { db in
            // Recording the same finished folder again (a resume after a kill that came between
            // the record and the checkpoint's removal) replaces its row rather than adding one.
            try db.execute(sql: "DELETE FROM runs WHERE folder = ? AND scenario_sha256 = ? AND partial = ? AND replications = ?",
                           arguments: [folder, data.scenarioHash, data.partial, data.replications])
            try db.execute(sql: """
                INSERT INTO runs (created_at, scenario, scenario_sha256, seed, replications, population, horizon_days,
                                  version, command_line, folder, partial, baseline, headline)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [time, data.scenario, data.scenarioHash, data.seed, data.replications, data.population,
                                 data.horizonDays, data.version, commandLine, folder, data.partial, data.baseline, headline])
            let id = db.lastInsertedRowID
            let insert = try db.makeStatement(sql: "INSERT INTO run_metrics VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
            for strategy in data.strategies {
                for (group, metrics) in (data.estimates[strategy] ?? [:]).sorted(by: { $0.key < $1.key }) {
                    for (metric, e) in metrics.sorted(by: { $0.key < $1.key }) {
                        try insert.execute(arguments: [id, strategy, group, metric, finite(e.mean), finite(e.low), finite(e.high), e.n])
                    }
                }
            }
            return id
        }
    }

    func finite(_ v: Double) -> Double? { v.isFinite ? v : nil }

    /// "strategy: recovery 66.4%, complaints 16.2/1000; …", the runs list's one-line summary.
    static func headlineText(_ data: ReportData) -> String {
        data.strategies.map { s in
            let r = data.estimate("recovery_rate", s).map { String(format: "%.1f%%", $0.mean * 100) } ?? "–"
            let c = data.estimate("complaints_per_1000", s).map { String(format: "%.1f", $0.mean) } ?? "–"
            return "\(s): recovery \(r), complaints \(c)/1000"
        }.joined(separator: "; ")
    }

    public func runs() throws -> [RunRecord] {
        try pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM runs ORDER BY id").map(Self.run) }
    }

    public func run(_ id: Int64) throws -> RunRecord? {
        try pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]).map(Self.run) }
    }

    public func metrics(_ id: Int64, group: String? = "all") throws -> [MetricRecord] {
        try pool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT * FROM run_metrics WHERE run_id = ? AND (? IS NULL OR grp = ?) ORDER BY strategy, grp, metric
                """, arguments: [id, group, group])
            return rows.map { row in
                MetricRecord(strategy: row["strategy"], group: row["grp"], metric: row["metric"],
                             mean: row["mean"] ?? .nan, low: row["ci_low"] ?? .nan, high: row["ci_high"] ?? .nan, n: row["n"])
            }
        }
    }

    static func run(_ row: Row) -> RunRecord {
        RunRecord(id: row["id"], createdAt: row["created_at"], scenario: row["scenario"], scenarioHash: row["scenario_sha256"],
                  seed: row["seed"], replications: row["replications"], population: row["population"],
                  horizonDays: row["horizon_days"], version: row["version"], commandLine: row["command_line"],
                  folder: row["folder"], partial: row["partial"], baseline: row["baseline"], headline: row["headline"])
    }

    /// How one metric moved between two runs.
    public struct Change: Sendable {
        public let strategy: String
        public let metric: String
        public let before: MetricRecord
        public let after: MetricRecord
        public var difference: Double { after.mean - before.mean }
        /// The two runs are independent: the change is beyond their CIs when it exceeds the
        /// half-width of the difference's 95% CI, √(h₁² + h₂²).
        public var beyondCIs: Bool {
            let h1 = (before.high - before.low) / 2, h2 = (after.high - after.low) / 2
            guard h1.isFinite, h2.isFinite else { return false }
            return abs(difference) > (h1 * h1 + h2 * h2).squareRoot()
        }
    }

    /// Every metric (group "all") of the strategies both runs share, with how it moved.
    public func diff(_ a: Int64, _ b: Int64) throws -> [Change] {
        let before = Dictionary(try metrics(a).map { ("\($0.strategy)\u{0}\($0.metric)", $0) }, uniquingKeysWith: { x, _ in x })
        return try metrics(b).compactMap { m in
            guard let old = before["\(m.strategy)\u{0}\(m.metric)"], m.mean.isFinite, old.mean.isFinite else { return nil }
            return Change(strategy: m.strategy, metric: m.metric, before: old, after: m)
        }
    }

    /// SQLite's own consistency check ("ok" when the file is sound).
    public func integrityCheck() throws -> String {
        try pool.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "" }
    }
}
