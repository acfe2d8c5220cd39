import Foundation

/// The names a scenario gives (its own, its strategies' and its segments') appear side by side
/// in tables, file names, terminals and spreadsheets, so each must read as what it is: no
/// control characters (an ESC or BEL would act on the terminal), no invisible ones (zero-width
/// spaces, right-to-left overrides), no letters of two scripts mixed in one name, and no two
/// names of a kind that look alike (`gentle` with a Cyrillic `е`). Errors show the characters
/// as `\u{…}` (`ScenarioError` does so for every message).
enum Names {
    /// What is wrong with `name`, or nil.
    static func problem(in name: String) -> String? {
        for scalar in name.unicodeScalars {
            let code = "U+" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4)
            let category = scalar.properties.generalCategory
            if scalar.isHiddenInText {
                switch category {
                case .control: return "holds the control character \(code)"
                case .format: return "holds the invisible character \(code) (a zero-width or text-direction mark)"
                default: return "holds the line break \(code)"
                }
            }
            if [.unassigned, .privateUse, .surrogate].contains(category) { return "holds \(code), which is not a character" }
        }
        let scripts = Set(name.unicodeScalars.compactMap(script))
        if scripts.count > 1 {
            return "mixes letters of \(scripts.sorted().joined(separator: " and ")) (a look-alike letter?); write it in one script"
        }
        return nil
    }

    /// The script of a letter among those whose letters look alike, or nil.
    static func script(_ s: Unicode.Scalar) -> String? {
        guard s.properties.isAlphabetic else { return nil }
        switch s.value {
        case 0x41...0x5A, 0x61...0x7A, 0xC0...0x24F, 0x1E00...0x1EFF: return "Latin"
        case 0x370...0x3FF, 0x1F00...0x1FFF: return "Greek"
        case 0x400...0x52F: return "Cyrillic"
        default: return nil
        }
    }

    /// A form two look-alike names share: compatibility-normalised (NFKC: full-width letters,
    /// ligatures), case-folded, and with the Cyrillic and Greek letters that look Latin taken
    /// as those Latin letters.
    static func skeleton(_ name: String) -> String {
        let folded = name.precomposedStringWithCompatibilityMapping.lowercased()
        return String(String.UnicodeScalarView(folded.unicodeScalars.map { lookalikes[$0] ?? $0 }))
    }

    static let lookalikes: [Unicode.Scalar: Unicode.Scalar] = {
        let pairs: [(String, String)] = [
            ("а", "a"), ("в", "b"), ("с", "c"), ("ԁ", "d"), ("е", "e"), ("һ", "h"), ("н", "h"), ("і", "i"), ("ј", "j"),
            ("к", "k"), ("м", "m"), ("о", "o"), ("р", "p"), ("ԛ", "q"), ("ѕ", "s"), ("т", "t"), ("у", "y"), ("х", "x"), ("ԝ", "w"),
            ("α", "a"), ("ε", "e"), ("ι", "i"), ("κ", "k"), ("ν", "v"), ("ο", "o"), ("ρ", "p"), ("τ", "t"), ("υ", "u"), ("χ", "x"),
        ]
        return Dictionary(uniqueKeysWithValues: pairs.map { ($0.0.unicodeScalars.first!, $0.1.unicodeScalars.first!) })
    }()

    /// Checks one kind of names (`what`: "strategy", "segment") given with their YAML values:
    /// each alone, then against those before it.
    static func check(_ names: [(name: String, at: YAMLValue)], what: String) throws {
        var seen: [String: String] = [:]
        for (name, at) in names {
            if let problem = problem(in: name) {
                throw at.error("the \(what) name '\(name)' \(problem)")
            }
            let key = skeleton(name)
            if let other = seen[key], other != name {
                throw at.error("the \(what) name '\(name)' looks like the \(what) '\(other)' but is spelled with other characters; "
                               + "give them names that read differently")
            }
            seen[key] = name
        }
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}

extension Unicode.Scalar {
    /// Whether the character does not show as itself in text: a control character (ESC, BEL,
    /// a line feed), an invisible format mark (zero-width space, right-to-left override) or a
    /// line or paragraph separator. Names may not hold one, and errors show them as `\u{…}`.
    var isHiddenInText: Bool {
        switch properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }
}
