import Foundation
import Stochastics

/// The parameter table, population, compliance and calendar compiled into flat arrays for the
/// daily loop. Built once per scenario; immutable and shared by every worker thread.
public struct ModelParameters: Sendable {
    public let table: ParameterTable
    public let population: PopulationSpec
    public let compliance: ComplianceRules
    public let calendar: SimulationCalendar
    public let horizonDays: Int

    // Grade-indexed (A…E).
    let baseHazard: [Double]
    let dueHazard: [Double]
    let willingnessTables: [QuantileTable]
    // Segment-indexed.
    let segmentCumulative: [Double]
    let gradeCumulative: [[Double]]
    let literacyTables: [QuantileTable]
    let hardshipRate: [Double]
    let recoveryRate: [Double]
    // Channel-indexed (Channel.rawValue).
    let jump: [Double]
    let contactStress: [Double]
    let complaintWeight: [Double]
    let contactCost: [Double]
    // Tone-indexed.
    let toneStress: [Double]
    let toneComplaint: [Double]
    // Slot-indexed.
    let rpc: [Double]
    let slotComplaint: [Double]
    // Day-indexed.
    let nonWorking: [Bool]
    let discount: [Double]

    /// decay(DPD) = floor + (1 − floor)·exp(−(DPD/τ)^k) for every DPD a run can reach.
    let decayByDPD: [Double]
    /// Whether another installment falls due on reaching each DPD (every payment.cycle_days).
    let installmentFallsDue: [Bool]
    /// (1 − fatigue.daily_decay)^k, k = 0…horizon.
    let fatigueKeepPowers: [Double]

    let partialFraction: QuantileTable
    let legalFraction: QuantileTable
    let legalDelay: LogNormalDistribution
    /// Risk-score noise SD for the configured AUC, and the score's normalisation.
    let scoreNoise: Double
    let scoreMean: Double
    let scoreSD: Double
    /// The table's scalar coefficients, read once here for every compiled strategy and simulator.
    let coefficients: Coefficients
    /// With a lender's book: z0 given each account's segment, grade and DPD.
    let knownPropensity: ConditionedPropensity?

    /// - Parameter tables: where quantile tables are looked up before being built (an
    ///   experiment shares one across its points).
    public init(table: ParameterTable, population: PopulationSpec, compliance: ComplianceRules,
                calendar: SimulationCalendar, horizonDays: Int, tables: QuantileTableCache = QuantileTableCache()) {
        GSLRuntime.prepare()
        self.table = table
        coefficients = Coefficients(table)
        self.population = population
        self.compliance = compliance
        self.calendar = calendar
        self.horizonDays = horizonDays
        let grades = ParameterCatalog.grades
        baseHazard = grades.map { table["payment.base_hazard.\($0)"] }
        dueHazard = grades.map { -log1p(-table["payment.on_time_probability.\($0)"]) }
        let wConc = table["willingness.concentration"]
        willingnessTables = grades.map { tables.beta(mean: table["willingness.mean.\($0)"], concentration: wConc) }
        let totalWeight = population.segments.reduce(0) { $0 + $1.weight }
        var cumulative: [Double] = []
        var acc = 0.0
        for s in population.segments { acc += s.weight / totalWeight; cumulative.append(acc) }
        if !cumulative.isEmpty { cumulative[cumulative.count - 1] = 1 }
        segmentCumulative = cumulative
        gradeCumulative = population.segments.map { s in
            let t = s.gradeWeights.reduce(0, +)
            var a = 0.0
            var c = s.gradeWeights.map { w -> Double in a += w / t; return a }
            c[c.count - 1] = 1
            return c
        }
        literacyTables = population.segments.map { tables.beta(mean: $0.literacyMean, concentration: $0.literacyConcentration) }
        hardshipRate = population.segments.map { $0.hardshipRate }
        recoveryRate = population.segments.map { $0.recoveryRate }
        let channels = ParameterCatalog.channels
        jump = channels.map { table["action.\($0).jump"] }
        contactStress = channels.map { table["action.\($0).stress"] }
        complaintWeight = channels.map { table["action.\($0).complaint_weight"] }
        contactCost = channels.map { table["action.\($0).cost"] }
        toneStress = Tone.allCases.map { table["tone.\($0.name).stress"] }
        toneComplaint = Tone.allCases.map { table["tone.\($0.name).complaint"] }
        rpc = Slot.allCases.map { table["contact.rpc.\($0.name)"] }
        slotComplaint = Slot.allCases.map { table["complaint.slot.\($0.name)"] }
        nonWorking = (0..<max(horizonDays, 1)).map { calendar.isNonWorking($0) }
        let maxDPD = population.maxInitialDPD + horizonDays + 2
        let tau = table["payment.dpd_decay_days"], floor = table["payment.dpd_decay_floor"], shape = table["payment.dpd_decay_shape"]
        decayByDPD = (0...maxDPD).map { floor + (1 - floor) * exp(-pow(Double($0) / tau, shape)) }
        let cycle = Int(table["payment.cycle_days"])
        installmentFallsDue = (0...maxDPD).map { $0 > 0 && $0 % cycle == 0 }
        let keep = 1 - table["fatigue.daily_decay"]
        fatigueKeepPowers = (0...horizonDays).map { pow(keep, Double($0)) }
        let rho = table["payment.discount_rate"]
        discount = (0..<max(horizonDays, 1)).map { exp(-rho * Double($0) / 365) }
        partialFraction = tables.beta(mean: table["payment.partial_fraction_mean"], concentration: table["payment.partial_fraction_concentration"])
        legalFraction = tables.beta(mean: table["legal.recovery_fraction_mean"], concentration: table["legal.recovery_fraction_concentration"])
        legalDelay = LogNormalDistribution(median: table["legal.delay_median_days"], sigma: table["legal.delay_sigma"])
        scoreNoise = RiskScore.noiseSD(forAUC: table["risk.score_auc"])
        let shifts = population.segments.map { $0.propensityShift }
        let weights = population.segments.map { $0.weight / totalWeight }
        let mean = zip(shifts, weights).reduce(0) { $0 + $1.0 * $1.1 }
        let between = zip(shifts, weights).reduce(0) { $0 + $1.1 * ($1.0 - mean) * ($1.0 - mean) }
        scoreMean = mean
        scoreSD = (between + 1 + scoreNoise * scoreNoise).squareRoot()
        if let book = population.book {
            knownPropensity = ConditionedPropensity(book: book, population: population, gradeCumulative: gradeCumulative,
                                                    gradeRho: coefficients.gradeCorrelation, entryRho: coefficients.entryCorrelation)
        } else {
            knownPropensity = nil
        }
    }
}

/// The lender's risk score: the latent propensity plus Gaussian noise.
public enum RiskScore {
    /// The noise SD σ that gives concordance `auc` between score s = z + σε and latent z, for
    /// standard-normal z: P(s_i > s_j | z_i > z_j) = 1/2 + arcsin(ρ)/π with ρ = 1/√(1+σ²),
    /// so σ = √(1/ρ² − 1) with ρ = sin(π(auc − 1/2)).
    public static func noiseSD(forAUC auc: Double) -> Double {
        let rho = sin(Double.pi * (auc - 0.5))
        return rho >= 1 ? 0 : (1 / (rho * rho) - 1).squareRoot()
    }
}
