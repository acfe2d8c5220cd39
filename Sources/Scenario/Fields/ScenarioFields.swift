import CollectionsModel

/// The scenario format's plain fields, each declared once (name, values, meaning). The loader
/// reads them, the writer writes them and `collectsim schema` describes them from these tables;
/// what is structured (segments, rules, conditions, model parameters, experiments) is read by its
/// own code around them. Model parameters are declared once in `ParameterCatalog`.
enum ScenarioFields {
    static let probability = 0.0...1.0

    /// The top-level scalars of a scenario, before the scenario is assembled.
    struct Head {
        var description = ""
        var seed = ScenarioDefaults.seed
        var replications = ScenarioDefaults.replications
        var horizonDays = ScenarioDefaults.horizonDays
    }

    /// The top level's scalars apart from `name` (whose checks need the whole name machinery).
    static var head: FieldTable<Head> {
        FieldTable([
            Field(name: "description", kind: .text, meaning: "What the scenario studies, for reports.",
                  read: { v, h in h.description = try v.string() }, text: { ScenarioWriter.quote($0.description) }),
            Field(name: "seed", kind: .integer(0...Int.max), meaning: "Seed of the common random numbers: the same scenario and seed give the same bytes.",
                  read: { v, h in h.seed = UInt64(try v.int(in: 0...Int.max, what: "a non-negative seed")) }, text: { String($0.seed) }),
            .integer("replications", \.replications, 1...100_000, what: "a number of replications",
                     "Independent replications of the whole population (the minimum, with precision)."),
            .integer("horizon_days", \.horizonDays, 1...ScenarioLoader.maxHorizonDays, what: "a horizon in days", "Days simulated."),
        ])
    }

    /// `population:` apart from its segments and portfolio keys.
    static var population: FieldTable<PopulationSpec> {
        FieldTable([
            .integer("size", \.size, 1...ScenarioLoader.maxPopulation, what: "a population size",
                     "Accounts in the generated cohort (with a portfolio: its count, or the sample).").generatedCohortOnly(),
            .number("delinquent_share", \.delinquentShare, probability, what: "a probability",
                    "Share of accounts delinquent at entry; the rest are current, their next due date within due_within_days.").generatedCohortOnly(),
            .number("initial_dpd_mean", \.initialDPDMean, 1...3650, what: "a mean DPD",
                    "Mean of the exponential initial DPD of delinquent accounts (rounded up, capped at max_initial_dpd).").generatedCohortOnly(),
            .integer("max_initial_dpd", \.maxInitialDPD, 1...3650, what: "a DPD", "Largest initial DPD of a generated account.").generatedCohortOnly(),
            .integer("due_within_days", \.dueWithinDays, 1...365, what: "a number of days",
                     "Current accounts' next due date falls uniformly within this many days.").generatedCohortOnly(),
        ])
    }

    /// Whether a numeric path names a field that shapes a generated cohort only
    /// (`population.FIELD` or `population.segments.NAME.FIELD`).
    static func shapesGeneratedCohortOnly(_ path: String) -> Bool {
        let parts = path.split(separator: ".").map(String.init)
        guard parts.first == "population" else { return false }
        if parts.count == 2 { return population.cohortOnlyNames.contains(parts[1]) }
        if parts.count == 4 && parts[1] == "segments" { return segment.cohortOnlyNames.contains(parts[3].split(separator: "[")[0].description) }
        return false
    }

    /// The population's keys read apart from the table.
    static let populationOthers = ["segments", "portfolio", "ignore_columns", "portfolio_sha256", "sample", "records"]

    /// One segment of the generated cohort.
    static var segment: FieldTable<Segment> {
        FieldTable([
            .number("weight", \.weight, probability, what: "a weight", "Share of the cohort in this segment; the segments' weights sum to 1.").generatedCohortOnly(),
            Field(name: "grade_weights",
                  kind: .structured(["type": "array", "minItems": 5, "maxItems": 5, "items": ["type": "number", "minimum": 0, "maximum": 1e6]]),
                  meaning: "Relative weights of credit grades A to E in the segment (normalised; at least one positive).",
                  read: { v, s in
                      let items = try v.sequence()
                      guard items.count == 5 else { throw v.error("expected 5 weights (grades A to E), found \(items.count)") }
                      s.gradeWeights = try items.map { try $0.double(in: 0...1e6, what: "a non-negative weight") }
                      guard s.gradeWeights.reduce(0, +) > 0 else { throw v.error("expected at least one positive grade weight") }
                  },
                  text: { "[" + $0.gradeWeights.map(ScenarioWriter.num).joined(separator: ", ") + "]" }).generatedCohortOnly(),
            .number("propensity_shift", \.propensityShift, -10...10, what: "a shift in SD units",
                    "Shift of the latent default propensity z, in standard-normal units (higher is riskier)."),
            .number("balance_median", \.balanceMedian, 0.01...1e12, what: "a positive amount", "Median balance at entry (log-normal).").generatedCohortOnly(),
            .number("balance_sigma", \.balanceSigma, 0...5, what: "a log-scale SD", "Log-scale standard deviation of the balance.").generatedCohortOnly(),
            .integer("term_months_min", \.termMonthsMin, 1...600, what: "a number of months", "Shortest remaining term, in months.").generatedCohortOnly(),
            .integer("term_months_max", \.termMonthsMax, 1...600, what: "a number of months", "Longest remaining term, in months.").generatedCohortOnly(),
            .number("hardship_rate", \.hardshipRate, probability, what: "a probability", "Daily probability of falling from able to pay into hardship."),
            .number("recovery_rate", \.recoveryRate, probability, what: "a probability", "Daily probability of recovering from hardship."),
            .number("initial_hardship_current", \.initialHardshipCurrent, probability, what: "a probability",
                    "Probability that an account current at entry starts in hardship."),
            .number("initial_hardship_delinquent", \.initialHardshipDelinquent, probability, what: "a probability",
                    "Probability that an account delinquent at entry starts in hardship."),
            .number("literacy_mean", \.literacyMean, 0.001...0.999, what: "a mean in (0, 1)", "Mean financial literacy (beta distribution)."),
            .number("literacy_concentration", \.literacyConcentration, 0.01...1000, what: "a positive concentration",
                    "Concentration of the literacy beta distribution (higher: less spread)."),
            .number("reach_phone", \.reachPhone, probability, what: "a probability", "Probability an account has a working phone."),
            .number("reach_sms", \.reachSMS, probability, what: "a probability", "Probability an account can receive SMS."),
            .number("reach_email", \.reachEmail, probability, what: "a probability", "Probability an account has an email address."),
            .number("reach_app", \.reachApp, probability, what: "a probability", "Probability an account can receive app pushes."),
            .number("complaint_multiplier", \.complaintMultiplier, 0...1000, what: "a non-negative multiplier",
                    "Multiplier of the complaint propensity κ in the segment."),
        ])
    }

    /// An action's settings apart from `action` (its kind). The writer leaves out settings that
    /// do not apply to the action's kind.
    static var action: FieldTable<Action> {
        FieldTable([
            .integer("every_days", \.everyDays, 1...3650, what: "a cadence in days",
                     "Act when at least this many days have passed since this kind of action last happened."),
            .choice("slot", \.slot, Slot.allCases.map { ($0.name, $0) }, what: "slot", "Time of day of the contact."),
            .choice("tone", \.tone, Tone.allCases.map { ($0.name, $0) }, what: "tone", "Tone of the contact."),
            .integer("attempts_per_day", \.attemptsPerDay, 1...20, what: "a number of attempts",
                     "Calls: attempts a day until the right party answers.", writtenIf: { $0.kind == .call && $0.attemptsPerDay != 1 }),
            .boolean("third_party", \.thirdParty, "Contact a third party when the borrower cannot be reached (subject to compliance).",
                     writtenIf: { $0.thirdParty }),
            .integer("installments", \.installments, 1...120, what: "a number of installments",
                     "Installment plans: number of installments.", writtenIf: { $0.kind == .installment }),
            .number("down_payment", \.downPayment, probability, what: "a share of arrears",
                    "Installment plans: down payment as a share of the arrears.", writtenIf: { $0.kind == .installment }),
            .boolean("fee_waiver", \.feeWaiver, "Installment plans: late fees waived.", writtenIf: { $0.kind == .installment }),
            .integer("break_after_misses", \.breakAfterMisses, 1...120, what: "a number of misses",
                     "Installment plans: missed installments after which the plan breaks.", writtenIf: { $0.kind == .installment }),
            .integer("deferral_days", \.deferralDays, 1...3650, what: "a number of days", "Deferrals: days the payments are deferred.",
                     writtenIf: { $0.kind == .deferral }),
            .optionalNumber("commission", \.commission, probability, what: "a commission share",
                            "Agency placement: commission on what the agency collects (default: the model's agency.commission).",
                            writtenIf: { $0.kind == .agency }),
        ])
    }

    /// A strategy's settings apart from its rules, parent and agency strategy.
    static var strategy: FieldTable<Strategy> {
        FieldTable([
            Field(name: "description", kind: .text, meaning: "What the strategy does, for reports.",
                  read: { v, s in s.description = try v.string() }, text: { ScenarioWriter.quote($0.description) }),
            .choice("priority", \.priority, Priority.allCases.map { ($0.rawValue, $0) }, what: "priority",
                    "Which accounts collectors serve first when capacity is short."),
            .optionalNumber("collector_skill", \.collectorSkill, 0...10, what: "a skill multiplier",
                            "Multiplier of the effect of this strategy's calls (default: the model's)."),
            .optionalNumber("calls_per_day_per_1000", \.callsPerDayPer1000, 0...1e6, what: "a non-negative capacity",
                            "Collector calls a day per 1,000 accounts (default: the model's capacity)."),
            .optionalNumber("visits_per_day_per_1000", \.visitsPerDayPer1000, 0...1e6, what: "a non-negative capacity",
                            "Field visits a day per 1,000 accounts (default: the model's capacity)."),
        ])
    }

    static let strategyOthers = ["extends", "rules", "rules_before", "rules_after", "agency_strategy"]

    /// `compliance:` apart from its preset, windows and caps.
    static var compliance: FieldTable<ComplianceRules> {
        FieldTable([
            .choice("mode", \.mode, ComplianceRules.Mode.allCases.map { ($0.rawValue, $0) }, what: "mode",
                    "enforce: a contact the rules forbid is not made; report: it is made and counted as a violation."),
            .integer("cool_off_days", \.coolOffDays, 0...3650, what: "a number of days", "Days after a complaint during which no contact is allowed."),
            .integer("after_conversation_days", \.afterConversationDays, 0...3650, what: "a number of days",
                     "Days after a right-party conversation during which no further call is allowed."),
            .boolean("third_party_contact", \.thirdPartyContact, "Whether third parties may be contacted."),
        ])
    }

    static let complianceOthers = ["preset", "windows", "caps"]

    /// One channel's permitted contact window.
    static var window: FieldTable<ContactWindow> {
        FieldTable([
            .choice("days", \.workingDaysOnly, [("all", false), ("working", true)], what: "day set", "all days, or working days only."),
            .integer("from", \.fromHour, 0...24, what: "an hour", "First hour of the window."),
            .integer("to", \.toHour, 0...24, what: "an hour", "Hour the window ends (exclusive)."),
        ])
    }

    /// One channel's contact caps.
    static var caps: FieldTable<ContactCaps> {
        FieldTable([
            Field(name: "per_day", kind: .integer(0...1000), meaning: "At most this many attempts a day.",
                  read: { v, c in c.perDay = try v.int(in: 0...1000, what: "a daily cap") }, text: { $0.perDay.map(String.init) }),
            Field(name: "per_7_days", kind: .integer(0...7000), meaning: "At most this many attempts in any 7 days.",
                  read: { v, c in c.per7Days = try v.int(in: 0...7000, what: "a 7-day cap") }, text: { $0.per7Days.map(String.init) }),
        ])
    }

    /// `precision:` apart from its targets.
    static var precision: FieldTable<PrecisionSpec> {
        FieldTable([
            .integer("max_replications", \.maxReplications, 2...100_000, what: "a number of replications",
                     "Most replications to run before giving up on the targets."),
            .integer("batch", \.batch, 1...100_000, what: "a number of replications per round", "Replications added per round."),
        ])
    }

    static let weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    /// `calendar:` apart from its holidays (which depend on the horizon).
    static var calendar: FieldTable<SimulationCalendar> {
        FieldTable([
            .choice("start_weekday", \.startWeekday, weekdays.enumerated().map { ($1, $0) }, what: "weekday", "Weekday of day 0."),
        ])
    }

    /// `output:`.
    static var output: FieldTable<OutputSpec> {
        FieldTable([
            // Relative, no '..' step, no control character (Names checks the rest).
            Field(name: "dir", kind: .structured(["type": "string", "minLength": 1, "maxLength": 255,
                                                  "pattern": "^(?!.*(^|/)\\.\\.(/|$))[^/~\\x00-\\x1f][^\\x00-\\x1f]*$"]),
                  meaning: "Folder under the working directory the run folders go in (relative, without '..'; --out chooses any other place).",
                  read: { v, o in o.directory = try outputDirectory(v) }, text: { ScenarioWriter.quote($0.directory) }),
            .boolean("export_accounts", \.exportAccounts, "Also write accounts.csv: every account's outcome."),
            .boolean("export_history", \.exportHistory, "Also write history.csv: every account's monthly history (the format collectsim observe reads)."),
            .boolean("export_replication_curves", \.exportReplicationCurves,
                     "Also write replication_curves.csv: every curve's daily value in every replication.", writtenIf: { $0.exportReplicationCurves }),
        ])
    }

    /// A scenario's output folder: relative, inside the working directory.
    static func outputDirectory(_ value: YAMLValue) throws -> String {
        let directory = try value.string()
        // A scenario travels between people: it may name a folder under the working
        // directory, never an absolute path or one that climbs out of it.
        let parts = directory.split(separator: "/", omittingEmptySubsequences: true)
        guard !directory.isEmpty, !directory.hasPrefix("/"), !directory.hasPrefix("~"),
              !parts.contains(".."), !directory.contains("\0"), directory.utf8.count <= 255 else {
            throw value.error("expected a relative folder inside the working directory, without '..' (found '\(directory.prefix(80))'); choose any other place with --out")
        }
        if let problem = Names.problem(in: directory) {
            throw value.error("the folder name '\(directory)' \(problem)")
        }
        return directory
    }

    /// `verdict:`.
    static var verdict: FieldTable<VerdictSpec> {
        FieldTable([
            Field(name: "objective", kind: .text, meaning: "The metric the report's verdict ranks strategies on (default net_recovery_rate).",
                  read: { v, s in
                      s.objective = try v.string()
                      s.objectiveMark = (v.line, v.column)
                  },
                  text: { ScenarioWriter.quote($0.objective) }),
            Field(name: "complaints_cap", kind: .structured(["type": ["number", "null"], "minimum": 0, "maximum": 1e6]),
                  meaning: "Most complaints per 1,000 accounts a recommended strategy may have (null: no cap).",
                  read: { v, s in s.complaintsCap = v.isNull ? nil : try v.double(in: 0...1e6, what: "complaints per 1,000 accounts") },
                  text: { $0.complaintsCap.map(ScenarioWriter.num) }),
        ])
    }
}

/// The experiment section's plain fields, declared once like `ScenarioFields`; factors,
/// strategies, metrics, objectives, constraints and frontiers are read by their own code.
enum ExperimentFields {
    /// `experiment:` apart from its strategies, metrics and experiment kinds.
    static var experiment: FieldTable<ExperimentSpec> {
        FieldTable([
            .integer("replications", \.replications, 1...10_000, what: "replications per evaluation",
                     "Replications per evaluation (default: the scenario's)."),
            .integer("population", \.population, 1...ScenarioLoader.maxPopulation, what: "accounts per evaluation",
                     "Accounts per evaluation (default: the scenario's population)."),
        ])
    }

    static var sweep: FieldTable<SweepSpec> {
        FieldTable([
            .choice("design", \.design, SweepSpec.Design.allCases.map { ($0.rawValue, $0) }, what: "design",
                    "grid: every combination of the factors' values; sobol: a space-filling design of `points` points."),
            .integer("points", \.points, 1...100_000, what: "a number of design points", "Points of a Sobol design."),
        ])
    }

    static var sensitivity: FieldTable<SensitivitySpec> {
        FieldTable([
            .integer("samples", \.samples, 2...100_000, what: "base samples", "Base samples N; the design has N·(k + 2) points for k factors."),
            .integer("bootstrap", \.bootstrap, 10...100_000, what: "bootstrap resamples", "Bootstrap resamples for the intervals."),
            .number("confidence", \.confidence, 0.5...0.999, what: "a confidence level", "Confidence level of the intervals."),
        ])
    }

    static var optimize: FieldTable<OptimizeSpec> {
        FieldTable([
            .choice("method", \.method, OptimizeSpec.Method.allCases.map { ($0.rawValue, $0) }, what: "method",
                    "nelder_mead: GSL's simplex with restarts; cross_entropy: a population search."),
            .integer("max_evaluations", \.maxEvaluations, 2...100_000, what: "an evaluation budget", "Most evaluations the search makes."),
        ])
    }

    static var calibrate: FieldTable<CalibrateSpec> {
        FieldTable([
            .integer("max_evaluations", \.maxEvaluations, 2...100_000, what: "an evaluation budget", "Most evaluations the fit makes."),
        ])
    }
}
