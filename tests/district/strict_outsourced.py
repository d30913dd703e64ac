"""某区的编外人员控制率：比盐田标准更严（<3% 得满分，3%～6% 得一半，>6% 不得分）。

Replaces the built-in ``outsourced-staff-rate`` plugin by name, declaring it does so;
the shared ``Bands`` shape does the scoring, only the band table differs.
"""

import dataclasses
from decimal import Decimal

from jixiao.plugins.shapes import Bands

STRICT_BANDS = [
    {"range": "[0, 3%)", "points": "1"},
    {"range": "[3%, 6%]", "points": "0.5"},
    {"range": "(6%, ∞)", "points": "0"},
]


class StrictOutsourcedRate(Bands):
    jixiao_replaces = True

    def configure(self, leaf):
        scaled = [{**b, "points": Decimal(b["points"]) * leaf.weight} for b in STRICT_BANDS]
        return super().configure(dataclasses.replace(leaf, params={**leaf.params, "bands": scaled}))


JIXIAO_PLUGINS = {
    "outsourced-staff-rate": StrictOutsourcedRate("outsourced-staff-rate", "编外人员控制率（区定严格标准）")
}
