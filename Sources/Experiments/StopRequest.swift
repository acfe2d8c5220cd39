import Synchronization

/// A request to stop a run at the next replication boundary, made from a signal handler.
public final class StopRequest: Sendable {
    private let signalNumber = Atomic<Int32>(0)

    public init() {}

    public func request(signal: Int32) { signalNumber.store(signal, ordering: .relaxed) }

    /// Takes `count` deliveries of `signal` (signals arriving together come as one event):
    /// the first asks to stop; true when the work must end at once instead, because a stop was
    /// already asked for or the signal came twice.
    public func receive(signal: Int32, count: UInt = 1) -> Bool {
        let first = signalNumber.compareExchange(expected: 0, desired: signal, ordering: .relaxed)
        return !first.exchanged || count > 1
    }

    /// The signal that asked to stop, if one did.
    public var signal: Int32? {
        let s = signalNumber.load(ordering: .relaxed)
        return s == 0 ? nil : s
    }
}
