package org.shiftnet4j.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The models-against-ONNX-Runtime chart of the performance report: for each network one row of two bar charts,
 * latency (ms per run) and throughput (images/s), per run configuration, ours next to ONNX Runtime's. Drawn with
 * JFreeChart into an image in memory (headless, no display needed) and written as PNG.
 */
final class PerformanceChart {
    static final String OURS = "shiftnet4j (best layout)";
    static final String PEER = "ONNX Runtime";
    private static final Color OURS_COLOR = new Color(0x1f77b4);
    private static final Color PEER_COLOR = new Color(0xff7f0e);
    private static final int PANEL_WIDTH = 620;
    private static final int PANEL_HEIGHT = 360;

    /** One bar pair: a network at one batch/threads configuration; NaN where a side has no result. */
    record Bar(String network, String config, int batch, double oursMillis, double peerMillis) {
        double oursImagesPerSecond() {
            return batch / (oursMillis / 1e3);
        }

        double peerImagesPerSecond() {
            return batch / (peerMillis / 1e3);
        }
    }

    private PerformanceChart() {
    }

    /** Writes the chart of {@code bars} (grouped by network, in order) to {@code file} as PNG. */
    static void writePng(Path file, List<Bar> bars) throws IOException {
        if (bars.isEmpty()) {
            throw new IllegalArgumentException("no model results to chart");
        }
        // Before AWT initialises: no display is needed or wanted (the script also passes -Djava.awt.headless=true).
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        Map<String, List<Bar>> byNetwork = new LinkedHashMap<>();
        for (Bar bar : bars) {
            byNetwork.computeIfAbsent(bar.network(), n -> new ArrayList<>()).add(bar);
        }
        BufferedImage image = new BufferedImage(2 * PANEL_WIDTH, byNetwork.size() * PANEL_HEIGHT,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            int row = 0;
            for (Map.Entry<String, List<Bar>> e : byNetwork.entrySet()) {
                DefaultCategoryDataset latency = new DefaultCategoryDataset();
                DefaultCategoryDataset throughput = new DefaultCategoryDataset();
                for (Bar bar : e.getValue()) {
                    latency.addValue(orNull(bar.oursMillis()), OURS, bar.config());
                    latency.addValue(orNull(bar.peerMillis()), PEER, bar.config());
                    throughput.addValue(orNull(bar.oursImagesPerSecond()), OURS, bar.config());
                    throughput.addValue(orNull(bar.peerImagesPerSecond()), PEER, bar.config());
                }
                draw(g, barChart(e.getKey() + ": latency", "ms per run (lower is better)", latency), 0, row);
                draw(g, barChart(e.getKey() + ": throughput", "images/s (higher is better)", throughput), 1, row);
                row++;
            }
        } finally {
            g.dispose();
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("this JVM has no PNG writer; cannot write " + file);
        }
    }

    private static Double orNull(double value) {
        return Double.isFinite(value) ? value : null;
    }

    private static void draw(Graphics2D g, JFreeChart chart, int column, int row) {
        chart.draw(g, new Rectangle2D.Double(column * PANEL_WIDTH, row * PANEL_HEIGHT, PANEL_WIDTH, PANEL_HEIGHT));
    }

    private static JFreeChart barChart(String title, String valueAxis, DefaultCategoryDataset data) {
        JFreeChart chart = ChartFactory.createBarChart(title, "batch-threads", valueAxis, data,
                PlotOrientation.VERTICAL, true, false, false);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(8, 8, 8, 8));
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlineStroke(new BasicStroke(0.5f));
        plot.setOutlineVisible(false);
        BarRenderer bars = (BarRenderer) plot.getRenderer();
        bars.setBarPainter(new StandardBarPainter());
        bars.setShadowVisible(false);
        bars.setItemMargin(0.05);
        bars.setSeriesPaint(0, OURS_COLOR);
        bars.setSeriesPaint(1, PEER_COLOR);
        bars.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", new TableNumbers()));
        bars.setDefaultItemLabelsVisible(true);
        bars.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        // Room above the tallest bar for its label.
        plot.getRangeAxis().setUpperMargin(0.15);
        return chart;
    }

    /** Bar labels with the report tables' three significant digits, so the chart and the tables read alike. */
    private static final class TableNumbers extends NumberFormat {
        @Override
        public StringBuffer format(double number, StringBuffer to, FieldPosition position) {
            return to.append(FoundationReport.num(number));
        }

        @Override
        public StringBuffer format(long number, StringBuffer to, FieldPosition position) {
            return to.append(FoundationReport.num(number));
        }

        @Override
        public Number parse(String source, ParsePosition position) {
            throw new UnsupportedOperationException("labels are only written");
        }
    }
}
