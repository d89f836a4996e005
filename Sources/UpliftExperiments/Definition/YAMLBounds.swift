import CYaml
import UpliftModel

/// The limits of one YAML document (an experiment or flag definition, a PR/FAQ header), checked on
/// libyaml's event stream before the document is composed into nodes, so that no limit is checked
/// after the work it bounds. Anchors and aliases are refused outright: an alias is a reference, and
/// nine levels of aliases to lists of aliases stand for billions of nodes ("billion laughs") that
/// composing (hashing a mapping's keys), converting to JSON or storing would each walk.
package enum YAMLBounds {
    /// The largest document accepted, in bytes of UTF-8 (definitions and headers are a few KB).
    package static let maxBytes = 64 * 1024
    /// The most nodes (scalars, lists and mappings, keys included) one document may have.
    package static let maxNodes = 10_000

    /// Throws the first limit `yaml` passes (size, nodes, nesting, an anchor or alias), naming the
    /// limit and the line. A syntax error is left to the composer (the same libyaml parser), whose
    /// message says it better; the scan stops there. `lineOffset` is added to every line; `subject`
    /// names the document ("the definition").
    static func check(_ yaml: String, lineOffset: Int, subject: String) throws(UpliftError) {
        let size = yaml.utf8.count
        guard size <= maxBytes else {
            throw UpliftError(
                .invalidInput,
                "\(subject) is \(size) bytes of YAML; the limit is \(maxBytes) bytes (64 KiB): shorten it")
        }
        var text = yaml
        let refusal = text.withUTF8 { bytes in firstRefusal(bytes, lineOffset: lineOffset, subject: subject) }
        if let refusal { throw UpliftError(.invalidInput, refusal) }
    }

    private static func firstRefusal(
        _ bytes: UnsafeBufferPointer<UInt8>, lineOffset: Int, subject: String
    ) -> String? {
        guard let start = bytes.baseAddress, !bytes.isEmpty else { return nil }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return "the YAML parser cannot start (out of memory)" }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(&parser, start, bytes.count)
        var nodes = 0
        var depth = 0
        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
            defer { yaml_event_delete(&event) }
            let line = Int(event.start_mark.line) + 1 + lineOffset
            let anchor: UnsafeMutablePointer<yaml_char_t>?
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return nil
            case YAML_ALIAS_EVENT:
                return aliasRefusal(subject, line)
            case YAML_SCALAR_EVENT:
                anchor = event.data.scalar.anchor
            case YAML_SEQUENCE_START_EVENT:
                anchor = event.data.sequence_start.anchor
                depth += 1
            case YAML_MAPPING_START_EVENT:
                anchor = event.data.mapping_start.anchor
                depth += 1
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                depth -= 1
                continue
            default:
                continue
            }
            if anchor != nil { return aliasRefusal(subject, line) }
            nodes += 1
            if nodes > maxNodes {
                return "\(subject) (line \(line)): more than \(maxNodes) YAML nodes (values, lists and mappings), "
                    + "the limit for one document; shorten it"
            }
            // The conversion names the field of a document nested a little deeper than the limit; a far
            // deeper one stops here, before the composer recurses into it.
            if depth > 2 * DefinitionSource.maxDepth {
                return "\(subject) (line \(line)): nested more than \(DefinitionSource.maxDepth) levels deep"
            }
        }
    }

    private static func aliasRefusal(_ subject: String, _ line: Int) -> String {
        "\(subject) (line \(line)): YAML anchors and aliases (&name, *name) are not accepted; "
            + "write the value out where it is used"
    }
}
