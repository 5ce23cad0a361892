// A page's chart, loaded on demand: the chart module (and ECharts with it) is imported when the chart first
// mounts, so the page's tables show before the chart library has loaded; once mounted it draws the latest data,
// and every new data after. `failed` says the module could not be loaded (the page says so; its data is in a table).
import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { MountedChart } from './echarts.js';

export function useLazyChart<D>(
  load: () => Promise<{ mountChart(el: HTMLElement): MountedChart<D> }>,
  data: D,
): { el: RefObject<HTMLDivElement | null>; failed: boolean } {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<MountedChart<D> | null>(null);
  const latest = useRef(data);
  latest.current = data;
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let gone = false;
    load()
      .then(({ mountChart }) => {
        if (gone || !el.current) return;
        chart.current = mountChart(el.current);
        chart.current.show(latest.current);
      })
      .catch(() => !gone && setFailed(true));
    return () => {
      gone = true;
      chart.current?.dispose();
      chart.current = null;
    };
    // Mounted once; new data is shown by the effect below.
  }, []);
  useEffect(() => chart.current?.show(data), [data]);
  return { el, failed };
}
