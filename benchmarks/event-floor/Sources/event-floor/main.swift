// The event floor's two halves (see measure.sh):
//
//   event-floor counts SCENARIO [--population N]
//       runs the scenario's strategies on N accounts (one replication, one thread) and prints
//       the engine's events by kind as JSON; needs a build with -Xswiftc -DCOLLECTSIM_EVENTS.
//   event-floor kernel NAME EVENTS
//       does the least work one event of kind NAME needs, EVENTS times, over a block of 1,024
//       accounts' fields in arrays, and prints a checksum (so that nothing is optimised away).
//       Instructions per event are measured around it: (I(2E) − I(E)) / E under cachegrind.
//
// The kernels are the floor's assumptions, so they are written out here, each the arithmetic
// the model's equations need and nothing else: no rules, no compliance, no bookkeeping beyond
// the state the event changes. Draws come from the engine's own counter-based generator.
import CollectSimKit
import Foundation

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("event-floor: \(message)\n".utf8))
    exit(2)
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard let mode = arguments.first else { fail("usage: event-floor counts SCENARIO [--population N] | kernel NAME EVENTS") }

// MARK: Counts

func counts(_ args: [String]) {
    guard EngineEvent.counted else { fail("this build counts no events: build with -Xswiftc -DCOLLECTSIM_EVENTS") }
    guard let path = args.first else { fail("counts needs a scenario file") }
    var scenario: Scenario
    do { scenario = try ScenarioLoader.load(path: path) } catch { fail("\(error)") }
    if let i = args.firstIndex(of: "--population"), i + 1 < args.count, let n = Int(args[i + 1]) { scenario.population.size = n }
    let runner = Runner(scenario: scenario, threads: 1)
    let model = runner.compiledModel()
    let strategies = scenario.strategies.map { CompiledStrategy($0, model: model) }
    let n = scenario.population.size, block = runner.blockSize
    let simulator = BlockSimulator(model: model, blockSize: block)
    var first = 0
    while first < n {
        let count = min(block, n - first)
        simulator.preparePopulation(seed: scenario.seed, replication: 0, first: first, count: count)
        for strategy in strategies {
            var tally = Tally(segmentCount: scenario.population.segments.count, horizonDays: scenario.horizonDays)
            simulator.run(strategy, into: &tally)
        }
        first += count
    }
    var fields = EngineEvent.allCases.map { "\"\($0.name)\": \(simulator.eventCounts[$0.rawValue])" }
    fields.append("\"quiet_days\": \(simulator.quietDaysTaken)")
    print("{\"accounts\": \(n), \"strategies\": \(strategies.count), \"horizon_days\": \(scenario.horizonDays), "
          + "\"account_runs\": \(n * strategies.count), \"borrower_days\": \(n * strategies.count * scenario.horizonDays), "
          + "\"counts\": {\(fields.joined(separator: ", "))}}")
}

// MARK: Kernels

/// One block of accounts' fields, as the kernels need them: unchecked buffers, as the engine's
/// records are, so that a kernel pays for its arithmetic and not for array bounds and
/// copy-on-write checks.
final class Block {
    static let size = 1024
    static func buffer<T>(_ f: (Int) -> T) -> UnsafeMutableBufferPointer<T> {
        let b = UnsafeMutableBufferPointer<T>.allocate(capacity: size)
        for j in 0..<size { b.initializeElement(at: j, to: f(j)) }
        return b
    }
    let keys = buffer { StreamKey(seed: 7, replication: 0, borrower: $0) }
    let stress = buffer { _ in 0.1 }
    let pressure = buffer { _ in 0.2 }
    let excitation = buffer { _ in 0.01 }
    let clock = buffer { _ in 2.0 }
    let base = buffer { 0.002 + 0.00001 * Double($0 % 97) }
    let willingnessFactor = buffer { 0.8 + 0.001 * Double($0 % 61) }
    let dpd = buffer { Int32($0 % 300) }
    let fatigue = buffer { _ in 1.0 }
    let fatigueDay = buffer { _ in Int32(0) }
    let balance = buffer { _ in 1000.0 }
    let arrears = buffer { _ in 200.0 }
    let collected = buffer { _ in 0.0 }
    let dueDay = buffer { Int32($0 % 30) }
    let misses = buffer { _ in Int32(0) }
    let flags = buffer { UInt32($0 % 5) }
    let risk = buffer { Double($0 % 100) / 100 }
    /// decay(DPD) and the fatigue's decay over k days, as the engine tabulates them.
    let decay = buffer { 0.2 + 0.8 * exp(-pow(Double($0) / 56, 1.3)) }
    let keepPowers = buffer { pow(0.9, Double($0)) }
}


/// An open day: the decays of stress, complaint pressure and excitation, and the payment clock
/// run down by the day's intensity λ = base·decay(DPD)·w/(1 + β·s) + excitation. (A crossing's
/// draw is a clock event's.)
func openDays(_ events: Int, _ b: Block) -> Double {
    var crossings = 0.0
    for e in 0..<events {
        let j = e & (Block.size - 1)
        let s = b.stress[j] * 0.95
        b.stress[j] = s
        b.pressure[j] *= 0.9
        let x = b.excitation[j] * 0.97
        b.excitation[j] = x
        let lambda = b.base[j] * b.decay[Int(b.dpd[j])] * b.willingnessFactor[j] / (1 + 0.3 * s) + x
        var c = b.clock[j] - lambda
        if c <= 0 { c += 1; crossings += 1 }
        b.clock[j] = c
    }
    return crossings
}

/// A contact: one draw for reach, and when reached the jump of the excitation damped by the
/// channel's fatigue (decayed since its last contact, then e^(−k·F)) and aged by decay(DPD), the
/// fatigue and stress raised; complaint pressure from the attempt either way.
func contacts(_ events: Int, _ b: Block) -> Double {
    var reached = 0.0
    for e in 0..<events {
        let j = e & (Block.size - 1), t = e >> 10
        let u = b.keys[j].uniform(day: t, purpose: .contactSMS)
        b.pressure[j] += 0.05
        if u < 0.6 {
            let since = min(t - Int(b.fatigueDay[j]), Block.size - 1)
            let f = b.fatigue[j] * b.keepPowers[max(0, since)]
            b.fatigueDay[j] = Int32(t)
            b.excitation[j] += 0.04 * (0.5 + 0.5 * b.willingnessFactor[j]) * exp(-0.3 * f) * b.decay[Int(b.dpd[j])]
            b.fatigue[j] = f + 1
            b.stress[j] += 0.02
            reached += 1
        }
    }
    return reached
}

/// A collector wait: the account queued with its priority key; each team's day then keeps the
/// half with the highest keys (a quickselect), as pass 2 shares out its capacity.
func collectorWaits(_ events: Int, _ b: Block) -> Double {
    let team = 64
    let queue = UnsafeMutableBufferPointer<(account: Int32, key: Double)>.allocate(capacity: team)
    queue.initialize(repeating: (0, 0))
    defer { queue.deallocate() }
    var served = 0.0
    var e = 0
    while e < events {
        let m = min(team, events - e)
        for q in 0..<m {
            let j = (e + q) & (Block.size - 1)
            queue[q] = (Int32(j), b.risk[j])
        }
        // Quickselect the top half into queue[0..<m/2].
        var lo = 0, hi = m - 1
        let k = m / 2
        while lo < hi {
            let pivot = queue[(lo + hi) / 2].key
            var i = lo, j = hi
            while i <= j {
                while queue[i].key > pivot { i += 1 }
                while queue[j].key < pivot { j -= 1 }
                if i <= j { queue.swapAt(i, j); i += 1; j -= 1 }
            }
            if k <= j { hi = j } else if k >= i { lo = i } else { break }
        }
        for q in 0..<k { served += Double(queue[q].account) }
        e += m
    }
    return served
}

/// A clock event: the clock redrawn (−ln u), the kind of payment drawn, and a payment: balance,
/// arrears, collections and the self-excitation of a payment.
func clockEvents(_ events: Int, _ b: Block) -> Double {
    for e in 0..<events {
        let j = e & (Block.size - 1), t = e >> 10
        b.clock[j] = -log(b.keys[j].uniform(day: t, purpose: .payment))
        let kind = b.keys[j].uniform(day: t, purpose: .paymentKind)
        let before = b.balance[j] > 1 ? b.balance[j] : 1000
        let paid = kind < 0.3 ? b.arrears[j] : (0.2 + 0.5 * kind) * b.arrears[j]
        b.balance[j] = before - paid
        b.arrears[j] = max(0, b.arrears[j] - paid) + 50
        b.collected[j] += paid
        b.excitation[j] += 0.02 + 0.1 * paid / before
    }
    return b.collected.reduce(0, +)
}

/// A dated event: the day reached, one draw, and the state it changes (a plan installment:
/// paid or missed, and the next date).
func datedEvents(_ events: Int, _ b: Block) -> Double {
    var paid = 0.0
    for e in 0..<events {
        let j = e & (Block.size - 1), t = e >> 10
        if b.keys[j].uniform(day: t, purpose: .planInstallment) < 0.7 {
            b.balance[j] -= 30
            b.arrears[j] = max(0, b.arrears[j] - 30)
            paid += 30
        } else {
            b.misses[j] += 1
        }
        b.dueDay[j] &+= 30
    }
    return paid
}

/// A rule choice: the strategy's rules scanned for the first whose DPD range, grade, flags and
/// risk range hold (six rules, as the built-in graded strategy has).
func ruleChoices(_ events: Int, _ b: Block) -> Double {
    struct Rule { var lo: Int32, hi: Int32, grades: UInt8, required: UInt32, forbidden: UInt32, riskLo: Double, riskHi: Double }
    let rules = [Rule(lo: 1, hi: 15, grades: 0x03, required: 0, forbidden: 1, riskLo: 0, riskHi: 1),
                 Rule(lo: 1, hi: 30, grades: 0x1F, required: 0, forbidden: 1, riskLo: 0, riskHi: 1),
                 Rule(lo: 31, hi: 90, grades: 0x1F, required: 0, forbidden: 1, riskLo: 0, riskHi: 0.7),
                 Rule(lo: 31, hi: 90, grades: 0x1F, required: 0, forbidden: 0, riskLo: 0.7, riskHi: 1),
                 Rule(lo: 91, hi: 180, grades: 0x1F, required: 0, forbidden: 0, riskLo: 0, riskHi: 1),
                 Rule(lo: 181, hi: 10_000, grades: 0x1F, required: 0, forbidden: 0, riskLo: 0, riskHi: 1)]
    var chosen = 0.0
    for e in 0..<events {
        let j = e & (Block.size - 1)
        let d = b.dpd[j], g = UInt8(1) << UInt8(j % 5), f = b.flags[j], r = b.risk[j]
        for (i, rule) in rules.enumerated() {
            if d < rule.lo || d > rule.hi || rule.grades & g == 0 { continue }
            if f & rule.required != rule.required || f & rule.forbidden != 0 || r < rule.riskLo || r > rule.riskHi { continue }
            chosen += Double(i)
            break
        }
    }
    return chosen
}

let kernels: [String: (Int, Block) -> Double] = [
    "open-day": openDays, "contact": contacts, "collector-wait": collectorWaits,
    "clock-event": clockEvents, "dated-event": datedEvents, "rule-choice": ruleChoices,
]

switch mode {
case "counts":
    counts(Array(arguments.dropFirst()))
case "kernel":
    guard arguments.count == 3, let kernel = kernels[arguments[1]], let events = Int(arguments[2]), events > 0 else {
        fail("usage: event-floor kernel {\(kernels.keys.sorted().joined(separator: "|"))} EVENTS")
    }
    print(kernel(events, Block()))
default:
    fail("unknown mode \(mode); use counts or kernel")
}
