/// Bars grouped by category, one bar per series in each group (this
/// period beside the last, say), each with its value written above it.
public struct BarChart: Sendable, Equatable {
    public var title: String
    public var categories: [String]
    public var series: [ChartSeries]
    public var format: ValueFormat
    public var width: Double
    public var height: Double

    public init(title: String, categories: [String], series: [ChartSeries], format: ValueFormat = .number,
                width: Double = 720, height: Double = 300) {
        self.title = title
        self.categories = categories
        self.series = series
        self.format = format
        self.width = width
        self.height = height
    }

    /// The chart as one `<svg>` element.
    public func svg() -> String {
        let names = series.map(\.name)
        let rows = ChartCanvas.legendRows(names, width: width, left: 56, right: 16)
        let frame = Frame(width: width, height: height + Double(max(0, rows - 1)) * 16, bottom: 44 + Double(rows) * 16)
        let axis = ValueAxis(values: series.flatMap { $0.values.compactMap { $0 } }, format: format)
        var canvas = ChartCanvas(frame: frame, title: title, axis: axis, format: format)
        canvas.valueAxis()
        let band = frame.plotWidth / Double(max(1, categories.count))
        let inner = band * 0.8
        let barWidth = inner / Double(max(1, series.count))
        canvas.categoryAxis(categories, thin: false) { frame.left + band * (Double($0) + 0.5) }
        let baseline = frame.top + frame.plotHeight
        for (index, bars) in series.enumerated() {
            canvas.out += "<g class=\"series\" data-series=\"\(index)\" data-name=\"\(Markup.escape(bars.name))\">"
            for (position, value) in bars.values.enumerated() where position < categories.count {
                guard let value else { continue }
                let x = frame.left + band * Double(position) + band * 0.1 + barWidth * Double(index)
                let top = frame.y(value, axis)
                canvas.out += "<rect class=\"bar\" data-index=\"\(position)\" x=\"\(coordinate(x + 1))\" y=\"\(coordinate(top))\" width=\"\(coordinate(max(1, barWidth - 2)))\" height=\"\(coordinate(baseline - top))\" fill=\"\(Palette.colour(index))\"><title>\(Markup.escape("\(bars.name), \(categories[position]): \(format.text(value))"))</title></rect>"
                if barWidth >= 22 {
                    canvas.out += "<text class=\"bar-label\" x=\"\(coordinate(x + barWidth / 2))\" y=\"\(coordinate(top - 3))\" text-anchor=\"middle\" font-size=\"10\" fill=\"#333\">\(Markup.escape(format.text(value)))</text>"
                }
            }
            canvas.out += "</g>"
        }
        canvas.legend(names)
        return canvas.close()
    }
}
