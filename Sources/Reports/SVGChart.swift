import Foundation

/// Small inline-SVG charts for the HTML report: axes with ticks and labels, a legend, and no
/// script or external resource.
enum SVGChart {
    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]
    static func color(_ i: Int) -> String { palette[i % palette.count] }

    struct Frame {
        let width = 640.0, height = 300.0
        let left = 64.0, right = 16.0, top = 16.0, bottom = 44.0
        let x: ClosedRange<Double>, y: ClosedRange<Double>
        func px(_ v: Double) -> Double {
            left + (v - x.lowerBound) / max(x.upperBound - x.lowerBound, 1e-12) * (width - left - right)
        }
        func py(_ v: Double) -> Double {
            height - bottom - (v - y.lowerBound) / max(y.upperBound - y.lowerBound, 1e-12) * (height - top - bottom)
        }
    }

    static func f(_ v: Double) -> String { Format.oneDecimal(v) }

    /// The width `text` takes at `fontSize`, estimated at 0.62 em a character: system sans
    /// fonts average about 0.5 em for lower case and more for digits, capitals and underscores,
    /// so the estimate errs wide and labels are not clipped.
    static func textWidth(_ text: String, fontSize: Double) -> Double { Double(text.count) * fontSize * 0.62 }

    /// A `<text>` element's content: `text` whole when it fits in `width`, else shortened with
    /// "…" and given a `<title>` with the whole text (shown on hover), never clipped.
    static func label(_ text: String, width: Double, fontSize: Double) -> String {
        guard textWidth(text, fontSize: fontSize) > width else { return HTMLReport.escape(text) }
        let keep = max(1, Int(width / (fontSize * 0.62)) - 1)
        return "<title>\(HTMLReport.escape(text))</title>" + HTMLReport.escape(String(text.prefix(keep))) + "…"
    }

    /// About five round tick values covering `range`.
    static func ticks(_ range: ClosedRange<Double>) -> [Double] {
        let span = range.upperBound - range.lowerBound
        guard span > 0, span.isFinite else { return [range.lowerBound] }
        let raw = span / 5
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        var out: [Double] = []
        var v = ceil(range.lowerBound / step) * step
        while v <= range.upperBound + step * 1e-9 { out.append(abs(v) < step * 1e-9 ? 0 : v); v += step }
        return out
    }

    static func axes(_ fr: Frame, xLabel: String, yLabel: String, yFormat: (Double) -> String) -> String {
        var s = "<g class=\"axes\" font-size=\"11\" fill=\"#333\">"
        for t in ticks(fr.y) {
            s += "<line x1=\"\(f(fr.left))\" x2=\"\(f(fr.width - fr.right))\" y1=\"\(f(fr.py(t)))\" y2=\"\(f(fr.py(t)))\" stroke=\"#e5e5e5\"/>"
            s += "<text x=\"\(f(fr.left - 6))\" y=\"\(f(fr.py(t) + 4))\" text-anchor=\"end\">\(HTMLReport.escape(yFormat(t)))</text>"
        }
        for t in ticks(fr.x) {
            s += "<line x1=\"\(f(fr.px(t)))\" x2=\"\(f(fr.px(t)))\" y1=\"\(f(fr.height - fr.bottom))\" y2=\"\(f(fr.height - fr.bottom + 4))\" stroke=\"#333\"/>"
            s += "<text x=\"\(f(fr.px(t)))\" y=\"\(f(fr.height - fr.bottom + 16))\" text-anchor=\"middle\">\(HTMLReport.escape(String(format: "%g", t)))</text>"
        }
        s += "<line x1=\"\(f(fr.left))\" x2=\"\(f(fr.width - fr.right))\" y1=\"\(f(fr.height - fr.bottom))\" y2=\"\(f(fr.height - fr.bottom))\" stroke=\"#333\"/>"
        s += "<line x1=\"\(f(fr.left))\" x2=\"\(f(fr.left))\" y1=\"\(f(fr.top))\" y2=\"\(f(fr.height - fr.bottom))\" stroke=\"#333\"/>"
        s += "<text x=\"\(f((fr.left + fr.width - fr.right) / 2))\" y=\"\(f(fr.height - 6))\" text-anchor=\"middle\">\(label(xLabel, width: fr.width - 8, fontSize: 11))</text>"
        s += "<text transform=\"translate(14 \(f((fr.top + fr.height - fr.bottom) / 2))) rotate(-90)\" text-anchor=\"middle\">\(label(yLabel, width: fr.height - fr.top - 8, fontSize: 11))</text>"
        return s + "</g>"
    }

    static func legend(_ names: [String]) -> String {
        var s = "<div class=\"legend\">"
        for (i, n) in names.enumerated() {
            s += "<span><svg width=\"14\" height=\"10\" aria-hidden=\"true\"><rect width=\"14\" height=\"10\" fill=\"\(color(i))\"/></svg> \(HTMLReport.escape(n))</span>"
        }
        return s + "</div>"
    }

    static func svg(_ fr: Frame, title: String, body: String) -> String {
        "<svg viewBox=\"0 0 \(Int(fr.width)) \(Int(fr.height))\" role=\"img\" aria-label=\"\(HTMLReport.escape(title))\" xmlns=\"http://www.w3.org/2000/svg\">\(body)</svg>"
    }

    /// Lines with 95% bands, one per series (points: x, mean, low, high).
    static func lines(title: String, xLabel: String, yLabel: String, series: [(String, [(Double, Double, Double, Double)])],
                      yFormat: @escaping (Double) -> String) -> String {
        let all = series.flatMap(\.1).filter { $0.1.isFinite }
        guard let xMax = all.map(\.0).max(), let yMaxRaw = all.map({ $0.3.isFinite ? $0.3 : $0.1 }).max() else { return "" }
        let yMin = min(0, all.map { $0.2.isFinite ? $0.2 : $0.1 }.min() ?? 0)
        let fr = Frame(x: 0...max(xMax, 1), y: yMin...max(yMaxRaw * 1.05, yMin + 1e-9))
        var body = axes(fr, xLabel: xLabel, yLabel: yLabel, yFormat: yFormat)
        for (i, (_, points)) in series.enumerated() {
            let pts = points.filter { $0.1.isFinite }
            guard !pts.isEmpty else { continue }
            let band = pts.filter { $0.2.isFinite && $0.3.isFinite }
            if !band.isEmpty {
                let upper = band.map { "\(f(fr.px($0.0))),\(f(fr.py($0.3)))" }
                let lower = band.reversed().map { "\(f(fr.px($0.0))),\(f(fr.py($0.2)))" }
                body += "<polygon points=\"\((upper + lower).joined(separator: " "))\" fill=\"\(color(i))\" fill-opacity=\"0.18\" stroke=\"none\"/>"
            }
            body += "<polyline points=\"\(pts.map { "\(f(fr.px($0.0))),\(f(fr.py($0.1)))" }.joined(separator: " "))\" fill=\"none\" stroke=\"\(color(i))\" stroke-width=\"1.8\"/>"
        }
        return "<figure><figcaption>\(HTMLReport.escape(title))</figcaption>\(svg(fr, title: title, body: body))\(legend(series.map(\.0)))</figure>"
    }

    /// One point per strategy with 95% whiskers on both axes; efficient strategies ringed.
    static func tradeoff(title: String, points: [(String, ReportData.Estimate, ReportData.Estimate)], efficient: Set<String>,
                         xLabel: String, yLabel: String) -> String {
        let xs = points.flatMap { [$0.1.low, $0.1.high, $0.1.mean] }.filter(\.isFinite)
        let ys = points.flatMap { [$0.2.low, $0.2.high, $0.2.mean] }.filter(\.isFinite)
        guard let x0 = xs.min(), let x1 = xs.max(), let y0 = ys.min(), let y1 = ys.max() else { return "" }
        let padX = max((x1 - x0) * 0.1, 1e-3), padY = max((y1 - y0) * 0.1, 1e-3)
        let fr = Frame(x: max(0, x0 - padX)...(x1 + padX), y: max(0, y0 - padY)...(y1 + padY))
        var body = axes(fr, xLabel: xLabel, yLabel: yLabel, yFormat: { String(format: "%.1f%%", $0 * 100) })
        for (i, p) in points.enumerated() {
            let (cx, cy) = (fr.px(p.1.mean), fr.py(p.2.mean))
            guard cx.isFinite, cy.isFinite else { continue }
            if p.1.low.isFinite && p.1.high.isFinite {
                body += "<line x1=\"\(f(fr.px(p.1.low)))\" x2=\"\(f(fr.px(p.1.high)))\" y1=\"\(f(cy))\" y2=\"\(f(cy))\" stroke=\"\(color(i))\"/>"
            }
            if p.2.low.isFinite && p.2.high.isFinite {
                body += "<line x1=\"\(f(cx))\" x2=\"\(f(cx))\" y1=\"\(f(fr.py(p.2.low)))\" y2=\"\(f(fr.py(p.2.high)))\" stroke=\"\(color(i))\"/>"
            }
            body += "<circle cx=\"\(f(cx))\" cy=\"\(f(cy))\" r=\"5\" fill=\"\(color(i))\"/>"
            if efficient.contains(p.0) {
                body += "<circle cx=\"\(f(cx))\" cy=\"\(f(cy))\" r=\"9\" fill=\"none\" stroke=\"#111\" stroke-width=\"1.5\"/>"
            }
            let nearRight = cx > fr.width - 160
            body += "<text x=\"\(f(nearRight ? cx - 11 : cx + 11))\" y=\"\(f(cy - 7))\" font-size=\"11\"\(nearRight ? " text-anchor=\"end\"" : "")>\(HTMLReport.escape(p.0))</text>"
        }
        return "<figure><figcaption>\(HTMLReport.escape(title))</figcaption>\(svg(fr, title: title, body: body))\(legend(points.map(\.0)))</figure>"
    }

    /// Horizontal bars: one group of bars per category, one bar per strategy, with 95% whiskers.
    static func bars(title: String, categories: [String], strategies: [String], value: (String, String) -> ReportData.Estimate?,
                     format: (Double) -> String) -> String {
        let barHeight = 9.0, gap = 10.0, width = 640.0, right = 70.0
        // Room for the longest category name (a factor's path, a long segment name), up to half
        // the width; longer names are shortened with the whole name on hover.
        let left = min(max(120, (categories.map { textWidth($0, fontSize: 11) }.max() ?? 0) + 14), width / 2)
        let groupHeight = Double(strategies.count) * barHeight + gap
        let height = 24 + Double(categories.count) * groupHeight
        let all = categories.flatMap { c in strategies.compactMap { value($0, c) } }
        let maxValue = max(all.map { $0.high.isFinite ? $0.high : $0.mean }.filter(\.isFinite).max() ?? 1, 1e-9)
        func px(_ v: Double) -> Double { left + max(0, v) / maxValue * (width - left - right) }
        var body = ""
        for (ci, c) in categories.enumerated() {
            let y0 = 12 + Double(ci) * groupHeight
            body += "<text x=\"\(f(left - 6))\" y=\"\(f(y0 + groupHeight / 2))\" text-anchor=\"end\" font-size=\"11\">\(label(c, width: left - 10, fontSize: 11))</text>"
            for (si, s) in strategies.enumerated() {
                guard let e = value(s, c), e.mean.isFinite else { continue }
                let y = y0 + Double(si) * barHeight
                body += "<rect x=\"\(f(left))\" y=\"\(f(y))\" width=\"\(f(px(e.mean) - left))\" height=\"\(f(barHeight - 1))\" fill=\"\(color(si))\"/>"
                if e.low.isFinite && e.high.isFinite {
                    body += "<line x1=\"\(f(px(e.low)))\" x2=\"\(f(px(e.high)))\" y1=\"\(f(y + barHeight / 2))\" y2=\"\(f(y + barHeight / 2))\" stroke=\"#111\"/>"
                }
                body += "<text x=\"\(f(px(max(e.mean, e.high.isFinite ? e.high : e.mean)) + 4))\" y=\"\(f(y + barHeight - 1))\" font-size=\"9\">\(HTMLReport.escape(format(e.mean)))</text>"
            }
        }
        let svg = "<svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(HTMLReport.escape(title))\" xmlns=\"http://www.w3.org/2000/svg\">\(body)</svg>"
        return "<figure><figcaption>\(HTMLReport.escape(title))</figcaption>\(svg)\(legend(strategies))</figure>"
    }

    /// A heat map of a transition matrix: rows are the buckets an account starts a month in,
    /// columns where it ends it; each cell is shaded by its share (white 0, dark blue 1) and
    /// labelled in percent. Empty rows (no account started there) are left out.
    static func heatMap(title: String, buckets: [String], share: (String, String) -> Double?) -> String {
        let rows = buckets.filter { from in buckets.contains { share(from, $0) != nil } }
        let cell = 70.0, left = max(70, (rows.map { textWidth($0, fontSize: 11) }.max() ?? 0) + 12), top = 34.0
        let width = left + cell * Double(buckets.count) + 8, height = top + cell * 0.6 * Double(rows.count) + 8
        let rowHeight = cell * 0.6
        var body = "<text x=\"\(f(left + cell * Double(buckets.count) / 2))\" y=\"11\" text-anchor=\"middle\" font-size=\"11\">bucket at the month's end</text>"
        for (j, to) in buckets.enumerated() {
            body += "<text x=\"\(f(left + cell * (Double(j) + 0.5)))\" y=\"\(f(top - 6))\" text-anchor=\"middle\" font-size=\"10\">\(label(to, width: cell - 2, fontSize: 10))</text>"
        }
        for (i, from) in rows.enumerated() {
            let y = top + rowHeight * Double(i)
            body += "<text x=\"\(f(left - 6))\" y=\"\(f(y + rowHeight / 2 + 4))\" text-anchor=\"end\" font-size=\"11\">\(label(from, width: left - 8, fontSize: 11))</text>"
            for (j, to) in buckets.enumerated() {
                let v = share(from, to) ?? 0
                let light = Int((1 - min(max(v, 0), 1)) * 215) + 40
                let fill = String(format: "#%02x%02x%02x", light, light, min(255, light + 40))
                body += "<rect x=\"\(f(left + cell * Double(j)))\" y=\"\(f(y))\" width=\"\(f(cell - 1))\" height=\"\(f(rowHeight - 1))\" fill=\"\(fill)\"/>"
                if v >= 0.0005 {
                    body += "<text x=\"\(f(left + cell * (Double(j) + 0.5)))\" y=\"\(f(y + rowHeight / 2 + 4))\" text-anchor=\"middle\" font-size=\"10\" fill=\"\(v > 0.5 ? "#fff" : "#111")\">\(String(format: v >= 0.1 ? "%.0f%%" : "%.1f%%", v * 100))</text>"
                }
            }
        }
        let svg = "<svg viewBox=\"0 0 \(Int(width.rounded(.up))) \(Int(height.rounded(.up)))\" role=\"img\" aria-label=\"\(HTMLReport.escape(title))\" xmlns=\"http://www.w3.org/2000/svg\">\(body)</svg>"
        return "<figure><figcaption>\(HTMLReport.escape(title))</figcaption>\(svg)</figure>"
    }
}
