import Foundation

/// A file that could not be written, said for a user: which file, what happened, what to do.
/// Foundation's own errors name a code (`NSCocoaErrorDomain Code=640`) and often no file.
public struct FileWriteError: Error, CustomStringConvertible, Sendable {
    public let path: String
    /// What happened, in words ("the disk is full").
    public let reason: String
    /// What to do about it.
    public let advice: String

    public var description: String { "cannot write \(path): \(reason); \(advice)" }

    /// `error` (Foundation's or the system's) as met writing `path`.
    public static func from(_ error: Error, path: String) -> FileWriteError {
        if let e = error as? FileWriteError { return e }
        let named = ((error as NSError).userInfo[NSFilePathErrorKey] as? String) ?? path
        let (reason, advice) = explanation(posix: posixCode(of: error), cocoa: cocoaCode(of: error), fallback: error)
        return FileWriteError(path: named, reason: reason, advice: advice)
    }

    /// Whether `error` is a failed write (Foundation's write codes, or a system error), rather
    /// than, say, a failed read of an input that was being copied.
    public static func isWriteFailure(_ error: Error) -> Bool {
        if error is FileWriteError { return true }
        let ns = error as NSError
        if ns.domain == NSCocoaErrorDomain { return (CocoaError.Code.fileWriteUnknown.rawValue...CocoaError.Code.fileWriteVolumeReadOnly.rawValue).contains(ns.code) }
        return ns.domain == NSPOSIXErrorDomain
    }

    /// The system error number behind `error`, if it carries one.
    static func posixCode(of error: Error) -> Int32? {
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return Int32(ns.code) }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain { return Int32(underlying.code) }
        return nil
    }

    static func cocoaCode(of error: Error) -> CocoaError.Code? {
        let ns = error as NSError
        return ns.domain == NSCocoaErrorDomain ? CocoaError.Code(rawValue: ns.code) : nil
    }

    static func explanation(posix: Int32?, cocoa: CocoaError.Code?, fallback: Error) -> (String, String) {
        switch (posix, cocoa) {
        case (ENOSPC?, _), (_, .fileWriteOutOfSpace?):
            return ("the disk is full (no space left on the device)", "free space, or write elsewhere with --out")
        case (EDQUOT?, _):
            return ("the disk quota is used up", "free space within the quota, or write elsewhere with --out")
        case (EROFS?, _), (_, .fileWriteVolumeReadOnly?):
            return ("the file system is read-only", "write elsewhere with --out")
        case (EACCES?, _), (EPERM?, _), (_, .fileWriteNoPermission?):
            return ("permission denied", "write to a folder you may write to, with --out")
        case (ENAMETOOLONG?, _), (_, .fileWriteInvalidFileName?):
            return ("the name is too long for this file system", "use a shorter --out path or scenario name")
        case (EIO?, _):
            return ("the device reported an input/output error", "check the disk, or write elsewhere with --out")
        case (let code?, _):
            return (String(cString: strerror(code)), "fix that, or write elsewhere with --out")
        default:
            let text = (fallback as NSError).localizedDescription
            return (text.isEmpty ? "\(fallback)" : text, "check the folder, or write elsewhere with --out")
        }
    }
}
