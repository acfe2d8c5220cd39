import CLibYAML

/// Refuses YAML whose aliases would make it expand beyond any real scenario ("billion laughs"),
/// mapping keys that are not plain values, duplicate keys and explicit tags, before the document
/// is composed.
///
/// Tags (`!!str 2`, `!!float 1`) are refused rather than ignored: values are read as each field
/// expects, so a tag could only be silently overruled; quoting makes a value text.
///
/// Composing such a document is where the danger lies: the YAML library hashes every mapping
/// key to find duplicates, and hashing a key that aliases a nested structure takes time
/// exponential in the nesting. This pass reads the event stream once, in linear time, counting
/// what each anchor expands to. Syntax errors are left for the composer to report.
enum AliasGuard {
    /// The most nodes a document may expand to once aliases are substituted.
    static let maxExpandedNodes = 200_000

    private struct Frame {
        var isMapping: Bool
        var anchor: String?
        var size = 1
        var children = 0
        /// Plain keys seen so far, with the line each was first seen on.
        var keys: [String: Int] = [:]
        /// In a mapping, the next child is a key when the count so far is even.
        var expectsKey: Bool { isMapping && children % 2 == 0 }
    }

    /// `tag:yaml.org,2002:str` as written, `!!str`.
    static func shortTag(_ tag: UnsafeMutablePointer<yaml_char_t>) -> String {
        let text = String(cString: tag)
        return String(text.replacingOccurrences(of: "tag:yaml.org,2002:", with: "!!").prefix(60))
    }

    static func check(_ text: String, file: String) throws {
        var bytes = Array(text.utf8)
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return }
        defer { yaml_parser_delete(&parser) }
        try bytes.withUnsafeMutableBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var anchors: [String: Int] = [:]
            var stack: [Frame] = []
            var total = 0
            var aliases = 0
            func error(_ mark: yaml_mark_t, _ message: String) -> ScenarioError {
                ScenarioError(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1, field: "", message: message)
            }
            /// Adds a finished node of `size` to its parent; a non-scalar in key position is refused.
            func add(_ size: Int, scalar: Bool, at mark: yaml_mark_t) throws {
                total += size
                if total > maxExpandedNodes {
                    throw error(mark, aliases > 0
                        ? "the document expands to more than \(maxExpandedNodes) values through its aliases; a scenario needs far fewer (is this an alias bomb?)"
                        : "the document holds more than \(maxExpandedNodes) values; a scenario needs far fewer")
                }
                guard !stack.isEmpty else { return }
                if stack[stack.count - 1].expectsKey && !scalar {
                    throw error(mark, "a mapping key must be a plain value, not a list or a mapping")
                }
                stack[stack.count - 1].size += size
                stack[stack.count - 1].children += 1
            }
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return }
                defer { yaml_event_delete(&event) }
                let mark = event.start_mark
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return
                case YAML_SCALAR_EVENT:
                    let scalar = event.data.scalar
                    if let tag = scalar.tag, scalar.plain_implicit == 0 && scalar.quoted_implicit == 0 {
                        throw error(mark, "YAML tags are not read in a scenario; remove \(shortTag(tag)) (quote a value to make it text)")
                    }
                    if let a = event.data.scalar.anchor { anchors[String(cString: a)] = 1 }
                    if let top = stack.last, top.expectsKey, let value = event.data.scalar.value {
                        let key = String(decoding: UnsafeBufferPointer(start: value, count: event.data.scalar.length), as: UTF8.self)
                        if let first = top.keys[key] {
                            throw error(mark, "duplicate key '\(key)' (first at line \(first)); each key may appear once in a mapping")
                        }
                        stack[stack.count - 1].keys[key] = Int(mark.line) + 1
                    }
                    try add(1, scalar: true, at: mark)
                case YAML_ALIAS_EVENT:
                    let name = String(cString: event.data.alias.anchor)
                    guard let size = anchors[name] else { return }
                    aliases += 1
                    try add(size, scalar: size == 1, at: mark)
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    let (tag, implicit) = event.type == YAML_MAPPING_START_EVENT
                        ? (event.data.mapping_start.tag, event.data.mapping_start.implicit)
                        : (event.data.sequence_start.tag, event.data.sequence_start.implicit)
                    if let tag, implicit == 0 {
                        throw error(mark, "YAML tags are not read in a scenario; remove \(shortTag(tag))")
                    }
                    if stack.last?.expectsKey == true {
                        throw error(mark, "a mapping key must be a plain value, not a list or a mapping")
                    }
                    let isMapping = event.type == YAML_MAPPING_START_EVENT
                    let anchor = isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
                    stack.append(Frame(isMapping: isMapping, anchor: anchor.map { String(cString: $0) }))
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    guard let frame = stack.popLast() else { return }
                    if let a = frame.anchor { anchors[a] = frame.size }
                    total -= frame.size - 1  // its children were counted as they arrived
                    try add(frame.size, scalar: false, at: mark)
                default:
                    break
                }
            }
        }
    }
}
