/// What the engine does, counted by kind in a build with `-DCOLLECTSIM_EVENTS`, for the event
/// floor (`benchmarks/event-floor`): the least work each kind of event needs, times how many
/// of each this model really has, is what no implementation of it can go below. A normal build
/// counts nothing and pays nothing for it.
public enum EngineEvent: Int, CaseIterable, Sendable {
    /// An account-day from entry until the account closes or the horizon.
    case openDay
    /// A day whose pass 1 the account takes in full, not on the short path for quiet days.
    case fullDay
    /// A contact attempt (`contact`), blocked or not.
    case contact
    /// An account waiting for a day's pass 2 (collector work).
    case collectorWait
    /// The payment or complaint clock crossing zero: a payment, promise or complaint.
    case clockEvent
    /// A dated event: a regime switch, a due date, a plan or promise date, a court date,
    /// education taking effect, a deferral ending, an installment falling due, default or charge-off.
    case datedEvent
    /// A rule choice (`chooseRule`).
    case ruleChoice

    /// Whether this build counts events.
    public static var counted: Bool {
        #if COLLECTSIM_EVENTS
        return true
        #else
        return false
        #endif
    }

    public var name: String {
        switch self {
        case .openDay: return "open_days"
        case .fullDay: return "full_days"
        case .contact: return "contacts"
        case .collectorWait: return "collector_waits"
        case .clockEvent: return "clock_events"
        case .datedEvent: return "dated_events"
        case .ruleChoice: return "rule_choices"
        }
    }
}

extension DayContext {
    /// Counts one event of kind `e` (nothing, unless built with `-DCOLLECTSIM_EVENTS`).
    @inline(__always)
    func count(_ e: EngineEvent, _ n: Int = 1) {
        #if COLLECTSIM_EVENTS
        events[e.rawValue] &+= n
        #endif
    }
}
