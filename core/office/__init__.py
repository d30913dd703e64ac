"""Office and web outputs: input workbook template, 评分情况表 workbook, Word report sections, HTML."""
