package dev.httppool.bench;

import java.util.List;
import java.util.Locale;

/** A grouped bar chart in plain SVG: one group per concurrency, one bar per client. */
final class Svg {

    interface Value {
        double get(String client, int c);
    }

    private static final String[] COLORS = {"#1f77b4", "#aec7e8", "#ff7f0e", "#ffbb78", "#2ca02c", "#98df8a",
        "#d62728", "#9467bd", "#8c564b", "#17becf", "#7f7f7f", "#bcbd22"};

    private Svg() {
    }

    static String bars(String title, List<String> clients, List<Integer> cs, Value value) {
        double max = 1;
        for (String cl : clients) {
            for (int c : cs) {
                double v = value.get(cl, c);
                if (!Double.isNaN(v)) {
                    max = Math.max(max, v);
                }
            }
        }
        double top = niceCeil(max);
        int left = 70;
        int plotW = Math.max(400, cs.size() * (clients.size() * 14 + 30));
        int plotH = 320;
        int legendW = 150;
        int width = left + plotW + legendW;
        int height = plotH + 90;
        int y0 = 40;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">%n",
                width, height));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"14\">%s</text>%n", left, esc(title)));
        for (int i = 0; i <= 5; i++) {
            double v = top * i / 5;
            double y = y0 + plotH - plotH * i / 5.0;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>%n", left, left + plotW, y, y));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.0f</text>%n", left - 5, y + 4, v));
        }
        double groupW = (double) plotW / cs.size();
        double barW = (groupW - 20) / clients.size();
        for (int g = 0; g < cs.size(); g++) {
            double gx = left + g * groupW + 10;
            for (int k = 0; k < clients.size(); k++) {
                double v = value.get(clients.get(k), cs.get(g));
                if (Double.isNaN(v)) {
                    continue;
                }
                double h = plotH * v / top;
                s.append(String.format(Locale.ROOT,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s C=%d: %.0f req/s</title></rect>%n",
                        gx + k * barW, y0 + plotH - h, Math.max(1, barW - 1), h, COLORS[k % COLORS.length],
                        esc(clients.get(k)), cs.get(g), v));
            }
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">C=%d</text>%n",
                    left + g * groupW + groupW / 2, y0 + plotH + 16, cs.get(g)));
        }
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", left, left + plotW, y0 + plotH, y0 + plotH));
        for (int k = 0; k < clients.size(); k++) {
            int ly = y0 + k * 18;
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>%n",
                    left + plotW + 15, ly, COLORS[k % COLORS.length]));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", left + plotW + 32, ly + 10, esc(clients.get(k))));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#555\">requests/s, higher is better</text>%n", left, height - 10));
        s.append("</svg>\n");
        return s.toString();
    }

    private static double niceCeil(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
