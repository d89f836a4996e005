import Crypto
import Foundation

/// The report's inline stylesheet: system fonts only (no downloads), print rules that keep
/// charts whole and show link targets as plain text. Contains no `<` or `&`, so it is valid
/// inside `<style>` in both HTML and XML.
enum ReportStyle {
    /// The stylesheet's CSP source expression: the page allows this one stylesheet and no other.
    static let hash = "sha256-" + Data(SHA256.hash(data: Data(css.utf8))).base64EncodedString()

    static let css = """
        :root{--ink:#1a1a1a;--muted:#5c5c5c;--line:#d9d9d9;--bg:#fafafa;--card:#fff;
        --achieved:#009E73;--on-track:#0072B2;--at-risk:#E69F00;--off-track:#D55E00;--no-data:#8a8a8a}
        *{box-sizing:border-box}
        html{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',Arial,sans-serif;color:var(--ink);background:var(--bg);line-height:1.45}
        body{margin:0 auto;max-width:1040px;padding:24px 28px 48px;overflow-wrap:anywhere}
        header h1{font-size:1.9rem;margin:0 0 4px}
        .subtitle{color:var(--muted);margin:0 0 18px}
        h2{font-size:1.3rem;margin:0 0 10px}
        a{color:#0060a0}
        a.self{color:inherit;text-decoration:none}
        a.self:hover{text-decoration:underline}
        nav#summary{margin:8px 0 24px}
        .goal-strip{list-style:none;margin:0;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:12px}
        .goal-card a{display:flex;flex-direction:column;gap:2px;height:100%;padding:12px 14px;background:var(--card);border:1px solid var(--line);border-left:6px solid var(--no-data);border-radius:6px;color:inherit;text-decoration:none}
        .goal-card a:hover,.goal-card a:focus{box-shadow:0 0 0 2px #0072B2}
        .goal-title{font-size:.98rem}
        .goal-value{font-size:1.6rem;font-weight:700}
        .goal-target,.goal-note{color:var(--muted);font-size:.88rem}
        .badge{align-self:flex-start;display:inline-block;font-size:.78rem;font-weight:700;letter-spacing:.02em;text-transform:uppercase;padding:2px 8px;border-radius:10px;background:#eee;color:var(--ink);border:1.5px solid var(--no-data);vertical-align:middle}
        .status-achieved a,.status-achieved.badge,.status-achieved .badge{border-color:var(--achieved)}
        .status-on-track a,.status-on-track.badge,.status-on-track .badge{border-color:var(--on-track)}
        .status-at-risk a,.status-at-risk.badge,.status-at-risk .badge{border-color:var(--at-risk)}
        .status-off-track a,.status-off-track.badge,.status-off-track .badge{border-color:var(--off-track)}
        .status-achieved .badge,.status-achieved.badge{background:#d9f2ea}
        .status-on-track .badge,.status-on-track.badge{background:#d9e9f5}
        .status-at-risk .badge,.status-at-risk.badge{background:#fbeccc}
        .status-off-track .badge,.status-off-track.badge{background:#f8e0cf}
        .report-section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:18px 20px;margin:0 0 20px}
        .report-section:target{box-shadow:0 0 0 3px #56B4E9}
        .facts{list-style:none;padding:0;margin:0 0 12px;display:flex;flex-wrap:wrap;gap:6px 22px}
        .facts span{color:var(--muted)}
        figure.chart{margin:8px 0 0}
        figure.chart svg{display:block;max-width:100%;height:auto}
        figcaption{color:var(--muted);font-size:.9rem;margin:6px 0}
        details.data-table{margin:6px 0 0}
        details.data-table summary{cursor:pointer;color:#0060a0;font-size:.92rem}
        table{border-collapse:collapse;margin:8px 0;font-size:.88rem;font-variant-numeric:tabular-nums}
        caption{text-align:left;color:var(--muted);padding:0 0 4px}
        th,td{border-bottom:1px solid var(--line);padding:3px 10px;text-align:left}
        th.num,td.num{text-align:right}
        thead th{border-bottom:2px solid #999}
        .comments{list-style:none;padding:0;margin:10px 0 0}
        .comments li{display:flex;gap:10px;align-items:baseline;padding:6px 0;border-top:1px solid var(--line)}
        .comments .score{font-weight:700;min-width:2.2em;text-align:center;background:#eee;border-radius:4px}
        .comments blockquote{margin:0;flex:1;overflow-wrap:anywhere}
        .comments .meta{color:var(--muted);font-size:.82rem}
        .warning{border-left:6px solid var(--at-risk);background:#fdf3dc;padding:6px 10px;border-radius:4px}
        .back{margin:10px 0 0;font-size:.9rem}
        footer{color:var(--muted);font-size:.85rem;margin-top:24px}
        @media print{
        html{background:#fff;font-size:11pt}
        body{max-width:none;padding:0}
        .report-section{break-inside:avoid;page-break-inside:avoid;border:none;padding:0;margin:0 0 14pt}
        figure.chart{break-inside:avoid}
        .goal-card a{border-top:1px solid #999;border-right:1px solid #999;border-bottom:1px solid #999}
        .back,details.data-table summary{display:none}
        a{color:inherit;text-decoration:none}
        }
        """
}
