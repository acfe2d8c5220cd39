/// Channels a contact can use.
public enum Channel: Int, CaseIterable, Sendable {
    case sms = 0, push, email, call, visit, followup
    public var name: String { String(describing: self) }
    public init?(name: String) {
        guard let c = Channel.allCases.first(where: { $0.name == name }) else { return nil }
        self = c
    }
}

/// A permitted contact window for one channel: which days, and which local hours [from, to).
public struct ContactWindow: Sendable, Hashable {
    public var workingDaysOnly: Bool
    public var fromHour: Int
    public var toHour: Int

    public init(workingDaysOnly: Bool, fromHour: Int, toHour: Int) {
        self.workingDaysOnly = workingDaysOnly
        self.fromHour = fromHour
        self.toHour = toHour
    }

    /// A slot is permitted when it lies wholly inside the window (the night slot, 21–09, only
    /// inside a window open round the clock).
    public func permits(_ slot: Slot, nonWorkingDay: Bool) -> Bool {
        if workingDaysOnly && nonWorkingDay { return false }
        let h = slot.hours
        if fromHour <= 0 && toHour >= 24 { return true }
        return h.start >= fromHour && h.end <= toHour
    }
}

/// Per-channel contact caps.
public struct ContactCaps: Sendable, Hashable {
    /// At most this many attempts a day (nil: no cap).
    public var perDay: Int?
    /// At most this many attempts in any 7 days (nil: no cap).
    public var per7Days: Int?
    public init(perDay: Int? = nil, per7Days: Int? = nil) { self.perDay = perDay; self.per7Days = per7Days }
}

/// Compliance rules as first-class data (docs/model.md §5).
public struct ComplianceRules: Sendable, Hashable {
    public enum Mode: String, Sendable, CaseIterable { case enforce, report }
    public var mode: Mode
    /// The preset the rules were built from, if any (for the record).
    public var preset: String?
    /// Permitted windows per channel (a missing channel is unrestricted).
    public var windows: [Channel: ContactWindow]
    public var caps: [Channel: ContactCaps]
    /// Days after a complaint during which no contact is allowed.
    public var coolOffDays: Int
    /// Days after a right-party conversation during which no further call is allowed.
    public var afterConversationDays: Int
    /// Whether third parties may be contacted.
    public var thirdPartyContact: Bool

    public init(mode: Mode = .enforce, preset: String? = nil, windows: [Channel: ContactWindow] = [:],
                caps: [Channel: ContactCaps] = [:], coolOffDays: Int = 7, afterConversationDays: Int = 0,
                thirdPartyContact: Bool = false) {
        self.mode = mode; self.preset = preset; self.windows = windows; self.caps = caps
        self.coolOffDays = coolOffDays; self.afterConversationDays = afterConversationDays
        self.thirdPartyContact = thirdPartyContact
    }

    /// Named presets (docs/model.md §10). Voice rules apply to calls and visits.
    public static func preset(named name: String) -> ComplianceRules? {
        switch name {
        case "none":
            return ComplianceRules(preset: name, coolOffDays: 0, thirdPartyContact: true)
        case "us_reg_f":
            // 12 CFR 1006.14(b): 08:00–21:00; ≤ 7 calls in 7 days; none within 7 days after a conversation.
            let w = ContactWindow(workingDaysOnly: false, fromHour: 8, toHour: 21)
            return ComplianceRules(preset: name, windows: [.call: w, .visit: w, .sms: w],
                                   caps: [.call: ContactCaps(per7Days: 7)], coolOffDays: 7,
                                   afterConversationDays: 7, thirdPartyContact: false)
        case "cn_nifa_2024":
            // No collection 22:00–08:00; ≤ 3 connected voice calls a day; debtor only.
            let w = ContactWindow(workingDaysOnly: false, fromHour: 8, toHour: 22)
            return ComplianceRules(preset: name, windows: Dictionary(uniqueKeysWithValues: Channel.allCases.map { ($0, w) }),
                                   caps: [.call: ContactCaps(perDay: 3)], coolOffDays: 7, thirdPartyContact: false)
        case "cn_cba_2026":
            // No collection 22:00–08:00; ≤ 6 unanswered attempts a day to one contact.
            let w = ContactWindow(workingDaysOnly: false, fromHour: 8, toHour: 22)
            return ComplianceRules(preset: name, windows: Dictionary(uniqueKeysWithValues: Channel.allCases.map { ($0, w) }),
                                   caps: [.call: ContactCaps(perDay: 6)], coolOffDays: 7, thirdPartyContact: false)
        case "platform_a":
            // Seed 002, platform A: working days 09:00–18:00 only, every channel.
            let w = ContactWindow(workingDaysOnly: true, fromHour: 9, toHour: 18)
            return ComplianceRules(preset: name, windows: Dictionary(uniqueKeysWithValues: Channel.allCases.map { ($0, w) }),
                                   caps: [.call: ContactCaps(perDay: 3, per7Days: 7)], coolOffDays: 7, thirdPartyContact: false)
        default:
            return nil
        }
    }

    public static let presetNames = ["none", "us_reg_f", "cn_nifa_2024", "cn_cba_2026", "platform_a"]
}
