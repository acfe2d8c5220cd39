// The limit kernel: the floor for CollectSim's design. It walks the same blocks of borrowers
// over the same days and strategies as the engine and makes as many counter-based draws per
// borrower-day as the engine makes (`collectsim run` reports the count), from the same `StreamKey`
// generator, and does nothing else: no model state, no events. Each draw is added into a
// per-borrower sum so the optimiser cannot drop it.
//
// Usage: limit-kernel --borrowers N --days H --strategies S --draws R [--threads T] [--block B]
// Prints one JSON object: borrower_days, seconds, borrower_days_per_second, draws, checksum.
import Dispatch
import Foundation
import Stochastics
import Synchronization

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("limit-kernel: \(message)\n".utf8))
    exit(2)
}

/// Parses the options and runs the kernel; a function, so its state is local.
func main() {
    var options: [String: String] = [:]
    var argv = Array(CommandLine.arguments.dropFirst())
    while !argv.isEmpty {
        let key = argv.removeFirst()
        guard key.hasPrefix("--"), !argv.isEmpty else { fail("usage: limit-kernel --borrowers N --days H --strategies S --draws R [--threads T] [--block B]") }
        options[String(key.dropFirst(2))] = argv.removeFirst()
    }
    func number(_ name: String, default value: Double? = nil) -> Double {
        guard let text = options[name] else {
            if let value { return value }
            fail("missing --\(name)")
        }
        guard let v = Double(text), v >= 0 else { fail("--\(name) needs a non-negative number, got '\(text)'") }
        return v
    }
    let borrowers = Int(number("borrowers"))
    let days = Int(number("days"))
    let strategies = Int(number("strategies"))
    let drawsPerBorrowerDay = number("draws")
    let threads = max(1, Int(number("threads", default: Double(ProcessInfo.processInfo.activeProcessorCount))))
    let blockSize = max(1, Int(number("block", default: 1024)))
    let seed: UInt64 = 1

    /// The daily purposes the engine draws for, cycled so no two draws of a borrower-day coincide.
    let purposes = Purpose.allCases.filter { $0.rawValue >= Purpose.capacitySwitch.rawValue }

    let blocks = (borrowers + blockSize - 1) / blockSize
    let next = Atomic<Int>(0)
    let checksums = Mutex<[Double]>(Array(repeating: 0, count: blocks))
    let drawsMade = Atomic<Int>(0)
    let start = DispatchTime.now()
    DispatchQueue.concurrentPerform(iterations: min(threads, max(blocks, 1))) { _ in
        let keys = UnsafeMutablePointer<UInt64>.allocate(capacity: blockSize)
        let sums = UnsafeMutablePointer<Double>.allocate(capacity: blockSize)
        defer { keys.deallocate(); sums.deallocate() }
        var localDraws = 0
        while true {
            let block = next.add(1, ordering: .relaxed).oldValue
            if block >= blocks { break }
            let first = block * blockSize
            let count = min(blockSize, borrowers - first)
            for j in 0..<count { keys[j] = StreamKey(seed: seed, replication: 0, borrower: first + j).rawValue }
            sums.update(repeating: 0, count: count)
            var credit = 0.0
            var p = 0
            for _ in 0..<strategies {
                for t in 0..<days {
                    for j in 0..<count {
                        credit += drawsPerBorrowerDay
                        while credit >= 1 {
                            credit -= 1
                            sums[j] += StreamKey(rawValue: keys[j]).uniform(day: t, purpose: purposes[p])
                            p = p + 1 == purposes.count ? 0 : p + 1
                            localDraws += 1
                        }
                    }
                }
            }
            var total = 0.0
            for j in 0..<count { total += sums[j] }
            checksums.withLock { $0[block] = total }
        }
        drawsMade.add(localDraws, ordering: .relaxed)
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    let borrowerDays = Double(borrowers) * Double(days) * Double(strategies)
    let checksum = checksums.withLock { $0.reduce(0, +) }
    print(String(format: "{\"borrower_days\": %.0f, \"seconds\": %.4f, \"borrower_days_per_second\": %.6g, \"draws\": %d, \"checksum\": %.6f}",
                 borrowerDays, seconds, borrowerDays / seconds, drawsMade.load(ordering: .relaxed), checksum))
}

main()
