"""Indicators of 部门整体支出绩效评价, each an instance of a shared shape under its own name,
so a district can replace or block one indicator without touching the others.
Thresholds, points and facts come from the pack."""

from jixiao.plugins.shapes import Bands, Checklist, Judgement, Parts, PerOccurrence, Progress, RatioPoints

budget_reasonableness = Checklist("budget-reasonableness", "预算编制合理性")
budget_compliance = PerOccurrence("budget-compliance", "预算编制规范性")
target_completeness = PerOccurrence("target-completeness", "绩效目标完整性")
indicator_clarity = Checklist("indicator-clarity", "绩效指标明确性")
procurement_execution = Parts("procurement-execution", "政府采购执行情况")
financial_compliance = Parts("financial-compliance", "财务合规性")
disclosure = Parts("disclosure", "预决算信息公开")
project_procedure = Checklist("project-procedure", "项目实施程序")
project_management = Checklist("project-management", "项目管理")
asset_safety = Checklist("asset-safety", "资产管理安全性")
fixed_asset_utilisation = Bands("fixed-asset-utilisation", "固定资产利用率")
staff_control_rate = Bands("staff-control-rate", "财政供养人员控制率")
outsourced_staff_rate = Bands("outsourced-staff-rate", "编外人员控制率")
management_systems = Checklist("management-systems", "管理制度健全性")
public_funds_control = Parts("public-funds-control", "公用经费控制率")
budget_execution = Progress("budget-execution", "预算执行率")
key_tasks = PerOccurrence("key-tasks", "重点工作完成情况")
project_timeliness = RatioPoints("project-timeliness", "项目完成及时性")
effectiveness = Judgement("effectiveness", "社会效益、经济效益、生态效益及可持续影响等")
petition_handling = Checklist("petition-handling", "群众信访办理情况")
satisfaction = Bands("satisfaction", "公众或服务对象满意度")
