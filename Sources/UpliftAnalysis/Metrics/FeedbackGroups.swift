/// The (feature, survey) group of every answer row, -1 for rows that are not kept.
struct FeedbackGroups {
    var keys: [(feature: String?, survey: String?)] = []
    var groupOf: [Int32]

    init(_ frame: EventFrame, _ query: FeedbackQuery) {
        groupOf = [Int32](repeating: -1, count: frame.rowCount)
        guard frame.strings.count == 5 else { return }
        let features = frame.strings[0]
        let surveys = frame.strings[1]
        let surveyIDs = frame.strings[3]
        // One survey numbering for both sources (`survey` of `$feedback`, `$survey_id`).
        var surveyNames: [String] = []
        var index: [String: Int32] = [:]
        func unify(_ values: [String]) -> [Int32] {
            values.map { v in
                if let c = index[v] { return c }
                let c = Int32(surveyNames.count)
                index[v] = c
                surveyNames.append(v)
                return c
            }
        }
        let fromSurvey = unify(surveys.values)
        let fromSurveyID = unify(surveyIDs.values)
        let wantedFeature: Int32? = query.feature.map { f in features.values.firstIndex(of: f).map(Int32.init) ?? -2 }
        let wantedSurvey: Int32? = query.survey.map { s in index[s] ?? -2 }
        let width = surveyNames.count + 1
        let cells = (features.values.count + 1) * width
        // Group by (feature + 1) × width + (survey + 1): a flat table unless the product is huge.
        var table = [Int32](repeating: -1, count: cells <= 1 << 22 ? cells : 0)
        var sparse: [Int: Int32] = [:]
        for i in 0..<frame.rowCount {
            let roles = frame.roles[i]
            let feature: Int32
            let survey: Int32
            if roles & 1 != 0 {
                feature = features.codes[i]
                let s = surveys.codes[i]
                survey = s < 0 ? -1 : fromSurvey[Int(s)]
            } else if roles & 2 != 0 {
                feature = -1
                let s = surveyIDs.codes[i]
                survey = s < 0 ? -1 : fromSurveyID[Int(s)]
            } else {
                continue
            }
            if let wantedFeature, feature != wantedFeature { continue }
            if let wantedSurvey, survey != wantedSurvey { continue }
            let cell = Int(feature + 1) * width + Int(survey + 1)
            var group = table.isEmpty ? sparse[cell] ?? -1 : table[cell]
            if group < 0 {
                group = Int32(keys.count)
                keys.append(
                    (feature < 0 ? nil : features.values[Int(feature)], survey < 0 ? nil : surveyNames[Int(survey)]))
                if table.isEmpty { sparse[cell] = group } else { table[cell] = group }
            }
            groupOf[i] = group
        }
    }

    /// Keeps the `limit` groups with the most answer rows (ties: feature, then survey, nil first) and
    /// marks the rows of the others -2 (counted in the total only); returns how many were left out.
    mutating func keep(atMost limit: Int) -> Int {
        guard keys.count > limit else { return 0 }
        var rows = [Int](repeating: 0, count: keys.count)
        for g in groupOf where g >= 0 { rows[Int(g)] += 1 }
        let kept = Self.kept(keys, rows: rows, limit: limit)
        var renumbered = [Int32](repeating: -2, count: keys.count)
        for (new, old) in kept.enumerated() { renumbered[old] = Int32(new) }
        keys = kept.map { keys[$0] }
        for i in groupOf.indices where groupOf[i] >= 0 { groupOf[i] = renumbered[Int(groupOf[i])] }
        return rows.count - limit
    }

    /// The indices of the `limit` groups with the most answer rows (`rows[i]`: group i's), most first; ties by
    /// feature, then survey, nil first.
    static func kept(_ keys: [(feature: String?, survey: String?)], rows: [Int], limit: Int) -> [Int] {
        let ranked = keys.indices.sorted { a, b in
            if rows[a] != rows[b] { return rows[a] > rows[b] }
            if keys[a].feature != keys[b].feature { return FeedbackEngine.precedes(keys[a].feature, keys[b].feature) }
            return FeedbackEngine.precedes(keys[a].survey, keys[b].survey)
        }
        return Array(ranked.prefix(limit))
    }
}
