import Foundation

// The arithmetic of one quiet day as `DayContext.quietDays` does it (decays, neglect, the
// payment and complaint clocks, DPD, the stop tests), on made-up accounts that never stop, so
// that only the loop is measured: scalar, one account at a time, as the engine does; and in
// SIMD lanes, four accounts in lockstep, as issue 25's step 3 proposes. measure.sh counts the
// instructions of two sizes and divides the difference by the account-days it added.
//
// Usage: lanes-kernel scalar|lanes ACCOUNTS [neglect]
//   neglect: the accounts are neglected from day 10 on, so willingness moves every day and its
//   factor e^(β_w(w − ½)) is recomputed every day (one exp a day per account).

struct Constants {
    let stressKeep = 0.97, pressureKeep = 0.9, excitationKeep = 0.95, neglectDecay = 0.01
    let willingnessEffect = 1.2, stressEffect = 0.5, complaintStress = 0.3
    let baseRate = 0.01, capacity = 1.0, deferralFactor = 1.0, kappa = 0.02
}

let days = 300
let c = Constants()
let decayByDPD: [Double] = (0...800).map { 0.2 + 0.8 * exp(-pow(Double($0) / 90, 1.3)) }

@inline(never)
func scalar(accounts: Int, neglect: Bool) -> Double {
    var checksum = 0.0
    decayByDPD.withUnsafeBufferPointer { decay in
        for a in 0..<accounts {
            var stress = 0.5 + Double(a % 7) * 0.01, pressure = 0.3, excitation = 0.1
            var w = 0.6, cachedW = -1.0, wFactor = 1.0, clock = 1e9, complaintClock = 1e9
            var d = 30 + a % 5
            let neglectDay = neglect ? 10 + a % 3 : Int.max
            let settleStop = Int.max, openStop = days, monthEnd = Int.max, nextMessage = Int.max
            var x = 0
            while x < openStop {
                stress *= c.stressKeep; pressure *= c.pressureKeep; excitation *= c.excitationKeep
                if x >= neglectDay { w -= c.neglectDecay * w }
                if x == nextMessage { checksum += 1 }
                if x >= settleStop { break }
                if cachedW != w { cachedW = w; wFactor = exp(c.willingnessEffect * (w - 0.5)) }
                let wEffect = wFactor / (1 + c.stressEffect * stress)
                let lambda = c.baseRate * decay[d] * c.capacity * wEffect * c.deferralFactor + excitation
                let nextClock = clock - lambda
                if nextClock <= 0 { break }
                let nextComplaintClock = complaintClock - c.kappa * pressure * (1 + c.complaintStress * stress)
                if pressure > 0 && nextComplaintClock <= 0 { break }
                clock = nextClock; complaintClock = nextComplaintClock
                d &+= 1
                if x == monthEnd { checksum += 1 }
                x += 1
            }
            checksum += stress + pressure + excitation + w + clock + complaintClock + Double(d)
        }
    }
    return checksum
}

typealias Lanes = SIMD4<Double>

@inline(never)
func lanes(accounts: Int, neglect: Bool) -> Double {
    var checksum = 0.0
    decayByDPD.withUnsafeBufferPointer { decay in
        for _ in 0..<(accounts / 4) {
            var stress = Lanes(0.5, 0.51, 0.52, 0.53), pressure = Lanes(repeating: 0.3), excitation = Lanes(repeating: 0.1)
            var w = Lanes(repeating: 0.6), cachedW = Lanes(repeating: -1), wFactor = Lanes(repeating: 1)
            var clock = Lanes(repeating: 1e9), complaintClock = Lanes(repeating: 1e9)
            var d = SIMD4<Int32>(30, 31, 32, 33)
            let neglectDay = neglect ? Lanes(10, 11, 12, 10) : Lanes(repeating: .infinity)
            let settleStop = Lanes(repeating: .infinity), openStop = Lanes(repeating: Double(days))
            let monthEnd = Lanes(repeating: .infinity), nextMessage = Lanes(repeating: .infinity)
            var x = Lanes(repeating: 0)
            while true {
                if any(x .>= openStop) { break }
                stress *= c.stressKeep; pressure *= c.pressureKeep; excitation *= c.excitationKeep
                w.replace(with: w - c.neglectDecay * w, where: x .>= neglectDay)
                if any(x .== nextMessage) { checksum += 1 }
                let settling = x .< settleStop
                let refresh = settling .& (cachedW .!= w)
                if any(refresh) {
                    for l in 0..<4 where refresh[l] { cachedW[l] = w[l]; wFactor[l] = exp(c.willingnessEffect * (w[l] - 0.5)) }
                }
                let decayOfDPD = Lanes(decay[Int(d[0])], decay[Int(d[1])], decay[Int(d[2])], decay[Int(d[3])])
                let wEffect = wFactor / (1 + c.stressEffect * stress)
                let lambda = c.baseRate * decayOfDPD * c.capacity * wEffect * c.deferralFactor + excitation
                let nextClock = clock - lambda
                let nextComplaintClock = complaintClock - c.kappa * pressure * (1 + c.complaintStress * stress)
                let stop = .!settling .| (nextClock .<= 0) .| ((pressure .> 0) .& (nextComplaintClock .<= 0))
                if any(stop) { break }
                clock = nextClock; complaintClock = nextComplaintClock
                d &+= 1
                if any(x .== monthEnd) { checksum += 1 }
                x += 1
            }
            checksum += (stress + pressure + excitation + w + clock + complaintClock).sum() + Double(d.wrappedSum())
        }
    }
    return checksum
}

let arguments = CommandLine.arguments
guard arguments.count >= 3, let accounts = Int(arguments[2]), ["scalar", "lanes"].contains(arguments[1]) else {
    FileHandle.standardError.write("usage: lanes-kernel scalar|lanes ACCOUNTS [neglect]\n".data(using: .utf8)!)
    exit(2)
}
let neglect = arguments.count > 3 && arguments[3] == "neglect"
print(arguments[1] == "scalar" ? scalar(accounts: accounts, neglect: neglect) : lanes(accounts: accounts, neglect: neglect))
