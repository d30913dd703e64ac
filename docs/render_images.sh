#!/usr/bin/env bash
# Render the reference case's 评分情况表 (xlsx), report sections (docx) and 复核表 (xlsx) to PDF and PNG
# with LibreOffice headless, from the current code, into docs/images/.
#
#   bash docs/render_images.sh            # needs: libreoffice-calc libreoffice-writer fonts-noto-cjk poppler-utils
#
# Linux has no 宋体/黑体: a private fontconfig file maps them (and SimSun/SimHei) to
# Noto Serif/Sans CJK SC for this run only, as Windows would show them. Nothing system-wide changes.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JIXIAO="${JIXIAO:-$ROOT/.venv/bin/jixiao}"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
FACTS="$ROOT/examples/yantian-2023/facts.yaml"
OUT="$ROOT/docs/images"
DPI="${DPI:-90}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

for tool in soffice pdftoppm; do
  command -v "$tool" >/dev/null || { echo "缺少 $tool：apt-get install -y libreoffice-calc libreoffice-writer fonts-noto-cjk poppler-utils" >&2; exit 1; }
done

cat > "$WORK/fonts.conf" <<'EOF'
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <alias binding="same"><family>宋体</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="same"><family>SimSun</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="same"><family>黑体</family><prefer><family>Noto Sans CJK SC</family></prefer></alias>
  <alias binding="same"><family>SimHei</family><prefer><family>Noto Sans CJK SC</family></prefer></alias>
</fontconfig>
EOF
export FONTCONFIG_FILE="$WORK/fonts.conf"

"$JIXIAO" evaluate "$FACTS" --rules python --format xlsx -o "$WORK/score-table.xlsx"
"$JIXIAO" evaluate "$FACTS" --rules python --format docx -o "$WORK/report.docx"
"$JIXIAO" template --facts "$FACTS" -o "$WORK/facts-template.xlsx" >/dev/null
# 复核: the reference with two claims changed, as tests/test_office.py changes them
sed -e 's/^    编外人员控制率: 0$/    编外人员控制率: 1/' -e 's/^    预算执行率: 5.98$/    预算执行率: 5.99/' "$FACTS" > "$WORK/claimed.yaml"
"$JIXIAO" audit "$WORK/claimed.yaml" --rules python --format xlsx -o "$WORK/audit.xlsx"

# A private LibreOffice profile: no first-start dialogs, no clash with a running instance.
PROFILE="file://$WORK/lo-profile"
for f in score-table.xlsx report.docx facts-template.xlsx audit.xlsx; do
  soffice -env:UserInstallation="$PROFILE" --headless --convert-to pdf --outdir "$WORK" "$WORK/$f" >/dev/null 2>&1
done

mkdir -p "$OUT"
rm -f "$OUT"/score-table-*.png "$OUT"/report-*.png "$OUT"/facts-template-*.png "$OUT"/audit-table-*.png
# Only the pages docs/output-formats.md shows: the table's first page, the report's text pages
# and the first page of its attachment, the template's first page.
pdftoppm -r "$DPI" -png -f 1 -l 1 "$WORK/score-table.pdf" "$OUT/score-table"
pdftoppm -r "$DPI" -png -f 1 -l 4 "$WORK/report.pdf" "$OUT/report"
pdftoppm -r "$DPI" -png -f 1 -l 1 "$WORK/facts-template.pdf" "$OUT/facts-template"
pdftoppm -r "$DPI" -png -f 1 -l 1 "$WORK/audit.pdf" "$OUT/audit-table"

# What the images show, fingerprinted: tests/test_office.py fails when the code's output drifts from them.
{
  echo "# Written by docs/render_images.sh: fingerprints of the files the images were rendered from."
  echo "# tests/test_office.py regenerates the files and compares; on a mismatch, run the script again."
  (cd "$WORK" && "$PYTHON" "$ROOT/tests/test_office.py" --fingerprint score-table.xlsx report.docx facts-template.xlsx audit.xlsx)
} > "$OUT/SOURCE.txt"

if [ "${KEEP_PDF:-0}" = 1 ]; then cp "$WORK"/*.pdf "$OUT/"; fi
ls -l "$OUT"
