package import UpliftModel

extension EventSegment {
    /// The keys of the segment's properties and context as its footer lists them; nil for a segment
    /// written before segments listed them.
    package var listedKeys: SegmentKeys? { SegmentKeys(metadata: metadataValue(for:)) }

    /// The keys of the segment's properties and context: the footer's lists, or, for a segment
    /// without them, the keys of every row's texts (both columns read and parsed once).
    package func keys() throws(UpliftError) -> SegmentKeys {
        if let listed = listedKeys { return listed }
        var properties = SegmentKeys.Collector()
        var context = SegmentKeys.Collector()
        for g in rowGroupSizes.indices {
            let p = try texts(.properties, rowGroup: g)
            p.forEach(0..<p.count) { _, text in properties.add(text) }
            let c = try texts(.context, rowGroup: g)
            c.forEach(0..<c.count) { _, text in context.add(text) }
        }
        return SegmentKeys(properties: properties.column, context: context.column)
    }
}
