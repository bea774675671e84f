// Charts drawn at report time: an Apache ECharts option rendered server-side to an SVG string
// (no browser, no canvas, no script in the page).
import * as echarts from 'echarts';

export interface ChartSize {
  readonly width: number;
  readonly height: number;
}

export function renderSvg(option: echarts.EChartsOption, size: ChartSize): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height });
  try {
    chart.setOption({ animation: false, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
