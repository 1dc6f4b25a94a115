"""`sod-iac matrix --format html`: one self-contained page for auditors. No network, no CDN:
the style and the script are inline. Columns sort on a click; a search box, an environment
list and "only conflicts" filter the rows (also from the address: `#q=ops&env=production&
conflicts=1&sort=principal&dir=desc`, so a link keeps a view). Printing keeps the colours and
hides the controls. Formatting only: every mark and highlight comes from the Matrix."""

from __future__ import annotations

from html import escape

from sod_iac.pipeline.matrix import Matrix, MatrixRow
from sod_iac.report.matrix_common import (
    LEVEL_MARKS,
    LEVEL_WORDS,
    ci_label,
    conflict_label,
    evidence_location,
    highlighted,
    location_text,
)

_STYLE = """
body{font:13px/1.4 system-ui,sans-serif;margin:16px;color:#111}
h1{font-size:18px;margin:0 0 8px}
.controls{margin:8px 0;display:flex;gap:12px;align-items:center;flex-wrap:wrap}
table{border-collapse:collapse}
th,td{border:1px solid #bbb;padding:3px 6px;text-align:center;vertical-align:top}
th{background:#eee;position:sticky;top:0}
th.sortable{cursor:pointer}
th.family{font-weight:normal;font-style:italic}
td.principal{text-align:left;white-space:nowrap}
td.held{background:#cfe8cf}
td.possible{background:#fff2c2}
td.conflict{background:#f4b4b4;font-weight:bold;outline:2px solid #b00}
td.suppressed{background:#e4e4e4}
tr.has-conflict td.principal{border-left:4px solid #b00}
td.conflicts{text-align:left;white-space:nowrap}
.open{color:#b00;font-weight:bold}
.admin{color:#b00;font-weight:bold}
a{color:inherit}
@media print{.controls{display:none}th{position:static}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}tr{break-inside:avoid}}
"""

_SCRIPT = r"""
(function(){
  var table=document.getElementById('matrix'), body=table.tBodies[0];
  var q=document.getElementById('q'), env=document.getElementById('env'), only=document.getElementById('only');
  var sortCol=null, sortDir=1;
  function key(td){return td.getAttribute('data-sort')||td.textContent.trim();}
  function sortBy(col,dir){
    sortCol=col; sortDir=dir;
    var rows=Array.prototype.slice.call(body.rows);
    rows.sort(function(a,b){var x=key(a.cells[col]),y=key(b.cells[col]);
      return (x<y?-1:x>y?1:0)*dir;});
    rows.forEach(function(r){body.appendChild(r);});
  }
  function apply(){
    var text=q.value.toLowerCase(), e=env.value, c=only.checked, shown=0;
    Array.prototype.forEach.call(body.rows,function(r){
      var ok=(!text||r.getAttribute('data-principal').toLowerCase().indexOf(text)>=0)
        &&(!e||(' '+r.getAttribute('data-env')+' ').indexOf(' '+e+' ')>=0)
        &&(!c||r.classList.contains('has-conflict'));
      r.hidden=!ok; if(ok){shown++;}
    });
    document.getElementById('shown').textContent=shown;
  }
  Array.prototype.forEach.call(table.querySelectorAll('th.sortable'),function(th){
    th.addEventListener('click',function(){var col=+th.getAttribute('data-col');
      sortBy(col,sortCol===col?-sortDir:1);});
  });
  [q,env,only].forEach(function(el){el.addEventListener('input',apply);el.addEventListener('change',apply);});
  var params={};
  location.hash.replace(/^#/,'').split('&').forEach(function(p){var kv=p.split('=');
    if(kv[0]){params[decodeURIComponent(kv[0])]=decodeURIComponent(kv[1]||'');}});
  if(params.q){q.value=params.q;} if(params.env){env.value=params.env;} if(params.conflicts==='1'){only.checked=true;}
  if(params.sort){var th=table.querySelector('th[data-key="'+params.sort+'"]');
    if(th){sortBy(+th.getAttribute('data-col'),params.dir==='desc'?-1:1);}}
  apply();
  document.body.setAttribute('data-ready','1');
})();
"""


def render(matrix: Matrix, link_base: str | None = None) -> str:
    envs = sorted({e for row in matrix.rows for e in row.environments})
    families: list[tuple[str, int]] = []
    for duty in matrix.duties:
        if families and families[-1][0] == duty.family:
            families[-1] = (duty.family, families[-1][1] + 1)
        else:
            families.append((duty.family, 1))
    fixed = ["principal", "cloud", "kind", "environment"]
    head1 = "".join(f'<th rowspan="2" class="sortable" data-col="{i}" data-key="{k}">{k}</th>'
                    for i, k in enumerate(fixed))
    head1 += "".join(f'<th class="family" colspan="{n}">{escape(f)}</th>' for f, n in families)
    head1 += f'<th rowspan="2" class="sortable" data-col="{len(fixed) + len(matrix.duties)}" ' \
             f'data-key="conflicts">conflicts</th>'
    head2 = "".join(f'<th class="sortable" data-col="{len(fixed) + i}" data-key="{escape(d.name)}" '
                    f'title="{escape(d.title)}">{escape(d.name)}</th>' for i, d in enumerate(matrix.duties))
    options = "".join(f'<option value="{escape(e)}">{escape(e)}</option>' for e in envs)
    held = sum(1 for row in matrix.rows if row.open_conflicts)
    errors = "".join(f"<li>{escape(e.path)}: {escape(e.message)}</li>" for e in matrix.errors)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width\">"
        "<title>sod-iac: Separation-of-Duties matrix</title>"
        f"<style>{_STYLE}</style></head><body>"
        "<h1>Separation-of-Duties matrix</h1>"
        f"<p>{len(matrix.rows)} principal(s), {len(matrix.duties)} duties; "
        f"<span class=\"open\">{held}</span> principal(s) hold a conflict that is not suppressed. "
        "● held, ◐ possible (depends on values the code does not state), blank: not held; "
        "red: a duty of a conflict the principal holds.</p>"
        "<div class=\"controls\"><label>Principal <input id=\"q\" type=\"search\"></label>"
        f"<label>Environment <select id=\"env\"><option value=\"\">any</option>{options}</select></label>"
        "<label><input id=\"only\" type=\"checkbox\"> only conflicts</label>"
        f"<span><span id=\"shown\">{len(matrix.rows)}</span> shown</span></div>"
        f"<table id=\"matrix\"><thead><tr>{head1}</tr><tr>{head2}</tr></thead><tbody>"
        + "".join(_row(matrix, row, link_base) for row in matrix.rows)
        + "</tbody></table>"
        + (f"<h2>Inputs that could not be analysed</h2><ul>{errors}</ul>" if errors else "")
        + f"<script>{_SCRIPT}</script></body></html>\n"
    )


def _row(matrix: Matrix, row: MatrixRow, link_base: str | None) -> str:
    marks = highlighted(row)
    open_rules = {c.rule_id for c in row.open_conflicts}
    classes = "has-conflict" if row.open_conflicts else ""
    who = f"<code>{escape(row.principal)}</code>"
    if row.full_admin:
        first = next((e.location for e in row.full_admin_evidence if e.location), None)
        who += ' <span class="admin">full administrator: holds every duty</span>'
        if first is not None:
            who += f" ({_link(location_text(first), first.path, first.start_line, link_base)})"
    if row.ci:
        who += f' <span class="ci">{escape(ci_label(row))}</span>'
    if row.members:
        who += "<br>roll-up of " + ", ".join(f"<code>{escape(m)}</code>" for m in row.members)
    cells = [f'<td class="principal" data-sort="{escape(row.principal)}">{who}</td>',
             f"<td>{escape(row.cloud)}</td>", f"<td>{escape(row.kind)}</td>",
             f"<td>{escape(' '.join(row.environments))}</td>"]
    for duty in matrix.duties:
        cell = row.cells.get(duty.name)
        level = cell.level if cell is not None else "not-held"
        css = [level]
        rules = marks.get(duty.name, [])
        if rules and level != "not-held":
            css.append("conflict" if open_rules.intersection(rules) else "suppressed")
        text = LEVEL_MARKS[level]
        location = evidence_location(cell) if cell is not None and not row.full_admin else None
        if location is not None:
            text = _link(text, location.path, location.start_line, link_base, location_text(location))
        title = LEVEL_WORDS[level] + (f" — {cell.permission} on {cell.scope}" if cell and cell.permission else "")
        rule_attr = f' data-rules="{escape(" ".join(rules))}"' if rules and level != "not-held" else ""
        cells.append(f'<td class="{" ".join(css)}" data-duty="{escape(duty.name)}" data-sort="{level}"'
                     f'{rule_attr} title="{escape(title)}">{text}</td>')
    conflicts = "<br>".join(f'<span class="{c.status}">{escape(conflict_label(c))}</span>' for c in row.conflicts)
    cells.append(f'<td class="conflicts" data-sort="{len(row.open_conflicts):04d}">{conflicts}</td>')
    return (f'<tr class="{classes}" data-principal="{escape(row.principal)}" '
            f'data-env="{escape(" ".join(row.environments))}">' + "".join(cells) + "</tr>")


def _link(text: str, path: str, line: int, link_base: str | None, title: str | None = None) -> str:
    from urllib.parse import quote

    href = f"{link_base or ''}{quote(path, safe='/')}#L{line}"
    tip = f' title="{escape(title)}"' if title else ""
    return f'<a href="{escape(href)}"{tip}>{escape(text)}</a>'
