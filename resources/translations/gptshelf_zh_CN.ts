<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>CardDelegate</name>
    <message>
        <location filename="../../app/ui/store/card_delegate.py" line="44" />
        <source>Fits</source>
        <translation>适合</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/card_delegate.py" line="44" />
        <source>Tight</source>
        <translation>偏紧</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/card_delegate.py" line="45" />
        <source>Won't fit</source>
        <translation>放不下</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/card_delegate.py" line="84" />
        <source>by {0} · {1}</source>
        <translation>{0} 出品 · {1}</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/card_delegate.py" line="86" />
        <source>{0} downloads · {1}</source>
        <translation>{0} 次下载 · {1}</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/card_delegate.py" line="90" />
        <source>Installed</source>
        <translation>已安装</translation>
    </message>
</context>
<context>
    <name>ChatPage</name>
    <message>
        <location filename="../../app/ui/chat/page.py" line="54" />
        <location filename="../../app/ui/chat/page.py" line="164" />
        <source>New chat</source>
        <translation>新对话</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="55" />
        <source>Start a new chat (Ctrl+N)</source>
        <translation>开始新对话（Ctrl+N）</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="65" />
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="140" />
        <source>Open chat</source>
        <translation>打开对话</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="203" />
        <source>Edit message</source>
        <translation>编辑消息</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="204" />
        <source>Your message (later replies are replaced):</source>
        <translation>你的消息（之后的回复会被替换）：</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="217" />
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="225" />
        <location filename="../../app/ui/chat/page.py" line="238" />
        <source>Export chat</source>
        <translation>导出对话</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="226" />
        <source>Markdown (*.md);;JSON (*.json)</source>
        <translation>Markdown (*.md);;JSON (*.json)</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="238" />
        <source>Could not export: {0}</source>
        <translation>无法导出：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="240" />
        <source>Exported to {0}</source>
        <translation>已导出到 {0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="258" />
        <source>Loading model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="273" />
        <source>Writing…</source>
        <translation>正在生成…</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="299" />
        <source>Stopped.</source>
        <translation>已停止。</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="301" />
        <source>Failed: {0}</source>
        <translation>失败：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="305" />
        <source>{0:.1f} tokens/s</source>
        <translation>{0:.1f} 词元/秒</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="309" />
        <source>context {0:,} / {1:,}</source>
        <translation>上下文 {0:,} / {1:,}</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="311" />
        <source>context {0:,} tokens</source>
        <translation>上下文 {0:,} 个词元</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="337" />
        <source>No GPTs yet. Install one from the Store or make one in My GPTs.</source>
        <translation>还没有 GPT。请从商店安装，或在“我的 GPT”中创建。</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="339" />
        <source>Chat with {0}. {1}</source>
        <translation>与 {0} 对话。{1}</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <location filename="../../app/ui/chat/composer.py" line="48" />
        <source>The GPT that answers</source>
        <translation>回答问题的 GPT</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/composer.py" line="51" />
        <source>Message (Enter sends, Shift+Enter for a new line, Esc stops)</source>
        <translation>输入消息（Enter 发送，Shift+Enter 换行，Esc 停止）</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/composer.py" line="55" />
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/composer.py" line="58" />
        <source>Stop</source>
        <translation>停止</translation>
    </message>
</context>
<context>
    <name>ConversationList</name>
    <message>
        <location filename="../../app/ui/chat/conversation_list.py" line="37" />
        <source>Search chats (Ctrl+K)</source>
        <translation>搜索对话（Ctrl+K）</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_list.py" line="73" />
        <source>Untitled</source>
        <translation>未命名</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_list.py" line="106" />
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_list.py" line="107" />
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_list.py" line="115" />
        <location filename="../../app/ui/chat/conversation_list.py" line="120" />
        <source>Rename chat</source>
        <translation>重命名对话</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_list.py" line="115" />
        <source>Title:</source>
        <translation>标题：</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_list.py" line="126" />
        <location filename="../../app/ui/chat/conversation_list.py" line="132" />
        <source>Delete chat</source>
        <translation>删除对话</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_list.py" line="127" />
        <source>Delete “{0}” and all its messages?</source>
        <translation>删除“{0}”及其所有消息？</translation>
    </message>
</context>
<context>
    <name>DetailView</name>
    <message>
        <location filename="../../app/ui/store/detail.py" line="46" />
        <source>← Back to the store</source>
        <translation>← 返回商店</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/detail.py" line="71" />
        <source> ★</source>
        <translation> ★</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/detail.py" line="73" />
        <source>What did you think of it?</source>
        <translation>你觉得怎么样？</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/detail.py" line="74" />
        <source>Post review</source>
        <translation>发表评价</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/detail.py" line="80" />
        <source>Base model:</source>
        <translation>基础模型：</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/detail.py" line="81" />
        <source>Variant:</source>
        <translation>版本变体：</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/detail.py" line="96" />
        <source>Reviews</source>
        <translation>评价</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/detail.py" line="123" />
        <source>by {0} · {1} · {2} · version {3}</source>
        <translation>{0} 出品 · {1} · {2} · 版本 {3}</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/detail.py" line="127" />
        <source>Try: {0}</source>
        <translation>试试：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/detail.py" line="136" />
        <source>Checking whether it fits this computer…</source>
        <translation>正在检查是否适合这台电脑…</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/detail.py" line="155" />
        <source>Could not check the fit: {0}</source>
        <translation>无法检查适配情况：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/detail.py" line="176" />
        <source>No reviews yet. Be the first.</source>
        <translation>还没有评价，来写第一条吧。</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/detail.py" line="186" />
        <source>Could not save the review: {0}</source>
        <translation>无法保存评价：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/detail.py" line="189" />
        <source>Thanks, your review is saved.</source>
        <translation>谢谢，你的评价已保存。</translation>
    </message>
</context>
<context>
    <name>HuggingFaceTab</name>
    <message>
        <location filename="../../app/ui/store/hf_tab.py" line="51" />
        <source>Search GGUF models on the hub, e.g. qwen 0.5b</source>
        <translation>在模型中心搜索 GGUF 模型，例如 qwen 0.5b</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/hf_tab.py" line="53" />
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/hf_tab.py" line="59" />
        <source>Install as model</source>
        <translation>安装为模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/hf_tab.py" line="61" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/hf_tab.py" line="72" />
        <source>Repositories</source>
        <translation>仓库</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/hf_tab.py" line="74" />
        <source>Files (variants)</source>
        <translation>文件（版本变体）</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/hf_tab.py" line="99" />
        <source>Searching the hub…</source>
        <translation>正在搜索模型中心…</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/hf_tab.py" line="111" />
        <source>{0}  ·  {1} downloads · {2} likes</source>
        <translation>{0}  ·  {1} 次下载 · {2} 个赞</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/hf_tab.py" line="115" />
        <source>{0} repositories found.</source>
        <translation>找到 {0} 个仓库。</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/hf_tab.py" line="116" />
        <source>No GGUF repositories match.</source>
        <translation>没有匹配的 GGUF 仓库。</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/hf_tab.py" line="130" />
        <source>Listing the files of {0}…</source>
        <translation>正在列出 {0} 的文件…</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/hf_tab.py" line="146" />
        <source>{0} single-file GGUF variants.</source>
        <translation>{0} 个单文件 GGUF 变体。</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/hf_tab.py" line="147" />
        <source>This repository has no single-file GGUF models.</source>
        <translation>此仓库没有单文件 GGUF 模型。</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/hf_tab.py" line="171" />
        <source>Starting the download of {0}…</source>
        <translation>开始下载 {0}…</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/hf_tab.py" line="179" />
        <source>Pausing…</source>
        <translation>正在暂停…</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/hf_tab.py" line="186" />
        <source>Downloading: {0:.1f} of {1:.1f} MB, {2:.1f} MB/s, {3} left</source>
        <translation>下载中：{0:.1f} / {1:.1f} MB，{2:.1f} MB/秒，剩余 {3}</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/hf_tab.py" line="194" />
        <source>Paused. Press Install as model to resume where it stopped.</source>
        <translation>已暂停。点击“安装为模型”可从中断处继续。</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/hf_tab.py" line="197" />
        <source>Installed {0}. Make a GPT from it on the Models page.</source>
        <translation>已安装 {0}。可在“模型”页面用它创建 GPT。</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/hf_tab.py" line="205" />
        <source>Install failed: {0}</source>
        <translation>安装失败：{0}</translation>
    </message>
</context>
<context>
    <name>InstallPanel</name>
    <message>
        <location filename="../../app/ui/store/install_panel.py" line="63" />
        <source>Install</source>
        <translation>安装</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/install_panel.py" line="64" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/install_panel.py" line="65" />
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/install_panel.py" line="66" />
        <source>Uninstall</source>
        <translation>卸载</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/install_panel.py" line="69" />
        <source>Installed</source>
        <translation>已安装</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/install_panel.py" line="128" />
        <source>Starting the download…</source>
        <translation>开始下载…</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/install_panel.py" line="136" />
        <source>Pausing…</source>
        <translation>正在暂停…</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/install_panel.py" line="147" />
        <source>Uninstalling…</source>
        <translation>正在卸载…</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/install_panel.py" line="159" />
        <source>{0:.1f} of {1:.1f} MB</source>
        <translation>{0:.1f} / {1:.1f} MB</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/install_panel.py" line="162" />
        <source>Downloading: {0:.1f} MB/s, {1} left</source>
        <translation>下载中：{0:.1f} MB/秒，剩余 {1}</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/install_panel.py" line="171" />
        <source>Paused. Press Install to resume where it stopped.</source>
        <translation>已暂停。点击“安装”可从中断处继续。</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/install_panel.py" line="175" />
        <source>Installed and verified.</source>
        <translation>已安装并通过校验。</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/install_panel.py" line="186" />
        <source>Failed: {0}</source>
        <translation>失败：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/install_panel.py" line="192" />
        <source>Uninstalled.</source>
        <translation>已卸载。</translation>
    </message>
</context>
<context>
    <name>LibraryPage</name>
    <message>
        <location filename="../../app/ui/library_page.py" line="54" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="54" />
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="54" />
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="55" />
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="55" />
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="55" />
        <source>Update</source>
        <translation>更新</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="67" />
        <source>Open in chat</source>
        <translation>在对话中打开</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="70" />
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="72" />
        <source>Uninstall</source>
        <translation>卸载</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="95" />
        <source>My GPTs</source>
        <translation>我的 GPT</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="98" />
        <source>GPTs installed from the store and the ones you made.</source>
        <translation>从商店安装的 GPT 和你自己创建的 GPT。</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="99" />
        <source>No GPTs yet. Install one from the Store, or import a GGUF model and make a GPT from it.</source>
        <translation>还没有 GPT。请从商店安装，或导入 GGUF 模型后用它创建 GPT。</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="119" />
        <source>(missing: {0})</source>
        <translation>（缺失：{0}）</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="131" />
        <source>Update available: {0}</source>
        <translation>有可用更新：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="135" />
        <source>Made here</source>
        <translation>本机创建</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="135" />
        <source>Starter</source>
        <translation>入门</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="136" />
        <source>Store</source>
        <translation>商店</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="171" />
        <source>Export GPT</source>
        <translation>导出 GPT</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="172" />
        <source>GPT files (*.json)</source>
        <translation>GPT 文件 (*.json)</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="182" />
        <source>Could not write {0}: {1}</source>
        <translation>无法写入 {0}：{1}</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="184" />
        <source>Exported {0} to {1}.</source>
        <translation>已将 {0} 导出到 {1}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="187" />
        <source>Uninstall GPT</source>
        <translation>卸载 GPT</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="203" />
        <source>Delete “{0}”? Its conversations stay in the history.</source>
        <translation>删除“{0}”？它的对话仍保留在历史记录中。</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="205" />
        <source>Uninstall “{0}”? Its model file is deleted too when no other GPT uses it; its conversations stay in the history.</source>
        <translation>卸载“{0}”？如果没有其他 GPT 使用它的模型文件，该文件也会被删除；它的对话仍保留在历史记录中。</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="222" />
        <source>Uninstalling {0}…</source>
        <translation>正在卸载 {0}…</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="231" />
        <source>Removed {0}.</source>
        <translation>已移除 {0}。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/ui/main_window.py" line="33" />
        <location filename="../../app/ui/main_window.py" line="61" />
        <source>GPT Shelf</source>
        <translation>GPT Shelf</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="42" />
        <source>Chats</source>
        <translation>对话</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="43" />
        <source>Store</source>
        <translation>商店</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="44" />
        <source>My GPTs</source>
        <translation>我的 GPT</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="45" />
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="46" />
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="85" />
        <source>Data folder: {0}</source>
        <translation>数据文件夹：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="107" />
        <source>Welcome to GPT Shelf. Everything runs on this computer: once a GPT is installed you can chat without the internet, and your conversations stay here. The starter GPT “Scratchpad” is ready in Chats; the Store has more, each marked with whether it fits this machine.</source>
        <translation>欢迎使用 GPT Shelf。一切都在这台电脑上运行：GPT 安装好之后无需联网即可对话，你的对话也只保存在本机。入门 GPT“Scratchpad”已在“对话”中就绪；商店里还有更多 GPT，每个都标明了是否适合这台电脑。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="111" />
        <source>Got it</source>
        <translation>知道了</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="152" />
        <source>The new language applies the next time GPT Shelf starts.</source>
        <translation>新语言将在下次启动 GPT Shelf 时生效。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="157" />
        <source>Installed {0}; open Chats to talk to it.</source>
        <translation>已安装 {0}；打开“对话”即可开始交谈。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="162" />
        <source>The starter GPT “Scratchpad” is ready to chat offline.</source>
        <translation>入门 GPT“Scratchpad”已就绪，可离线对话。</translation>
    </message>
</context>
<context>
    <name>MessageBubble</name>
    <message>
        <location filename="../../app/ui/chat/message_view.py" line="99" />
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/message_view.py" line="99" />
        <source>Assistant</source>
        <translation>助手</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/message_view.py" line="101" />
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/message_view.py" line="102" />
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/message_view.py" line="103" />
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/message_view.py" line="143" />
        <source>Stopped — the reply so far is kept.</source>
        <translation>已停止——已保留目前的回复。</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/message_view.py" line="145" />
        <source>Failed: {0}</source>
        <translation>失败：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/message_view.py" line="145" />
        <source>Failed.</source>
        <translation>失败。</translation>
    </message>
</context>
<context>
    <name>ModelsPage</name>
    <message>
        <location filename="../../app/ui/models_page.py" line="51" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="51" />
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="51" />
        <source>Quantization</source>
        <translation>量化</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="52" />
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="52" />
        <source>Used by</source>
        <translation>使用者</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="63" />
        <source>Import GGUF…</source>
        <translation>导入 GGUF…</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="66" />
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="94" />
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="95" />
        <source>GGUF files in the store, checked before llama.cpp ever opens them. Drop .gguf files here to import them.</source>
        <translation>商店中的 GGUF 文件，在 llama.cpp 打开之前都会先经过检查。把 .gguf 文件拖到这里即可导入。</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="107" />
        <source>(unused)</source>
        <translation>（未使用）</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="132" />
        <source>Import a GGUF model</source>
        <translation>导入 GGUF 模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="133" />
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation>GGUF 模型 (*.gguf);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="167" />
        <location filename="../../app/ui/models_page.py" line="176" />
        <source>Checking {0}…</source>
        <translation>正在检查 {0}…</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="175" />
        <source>Importing {0}: {1} hashed…</source>
        <translation>正在导入 {0}：已计算 {1} 的哈希…</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="184" />
        <source>Imported {0}.</source>
        <translation>已导入 {0}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="230" />
        <source>Delete model</source>
        <translation>删除模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="247" />
        <source>Delete the model “{0}” ({1}) from this computer?</source>
        <translation>从这台电脑删除模型“{0}”（{1}）？</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="260" />
        <source>The model was removed from the catalog, but {0} could not be deleted ({1}).</source>
        <translation>模型已从目录中移除，但无法删除 {0}（{1}）。</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="263" />
        <source>Deleted {0}.</source>
        <translation>已删除 {0}。</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <location filename="../../app/ui/settings_page.py" line="59" />
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="61" />
        <source>Engine and hub changes apply to the next model load and the next start.</source>
        <translation>引擎和模型中心的更改将在下次加载模型和下次启动时生效。</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="75" />
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="100" />
        <source>Engine</source>
        <translation>引擎</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="102" />
        <source>Asking llama.cpp for its devices…</source>
        <translation>正在向 llama.cpp 查询设备…</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="104" />
        <source>Devices</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="106" />
        <source>Automatic (as many layers as fit)</source>
        <translation>自动（尽可能多的层）</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="107" />
        <source>Off (CPU only)</source>
        <translation>关闭（仅 CPU）</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="108" />
        <source>A fixed number of layers</source>
        <translation>固定层数</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="111" />
        <source> layers</source>
        <translation> 层</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="113" />
        <source>GPU offload</source>
        <translation>GPU 卸载</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="116" />
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="117" />
        <source>CPU threads</source>
        <translation>CPU 线程数</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="121" />
        <source> tokens</source>
        <translation> 个词元</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="122" />
        <source>Default context length</source>
        <translation>默认上下文长度</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="126" />
        <source>Hub</source>
        <translation>模型中心</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="129" />
        <source>Endpoint</source>
        <translation>服务地址</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="131" />
        <source>none, e.g. http://proxy.example:3128</source>
        <translation>无，例如 http://proxy.example:3128</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="132" />
        <source>HTTPS proxy</source>
        <translation>HTTPS 代理</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="134" />
        <source>Store index repo</source>
        <translation>商店索引仓库</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="137" />
        <source>Test</source>
        <translation>测试</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="139" />
        <source>Forget</source>
        <translation>忘记</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="141" />
        <source>Hub token</source>
        <translation>模型中心令牌</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="148" />
        <source>Appearance</source>
        <translation>外观</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="151" />
        <location filename="../../app/ui/settings_page.py" line="157" />
        <source>Same as the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="151" />
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="152" />
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="155" />
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="161" />
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="165" />
        <source>Data folder</source>
        <translation>数据文件夹</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="169" />
        <source>Location</source>
        <translation>位置</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="170" />
        <source>Measuring…</source>
        <translation>正在计算…</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="171" />
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="172" />
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="175" />
        <source>Back up the catalog now</source>
        <translation>立即备份目录</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="201" />
        <location filename="../../app/ui/settings_page.py" line="335" />
        <source>A token is stored in the system keyring</source>
        <translation>令牌已保存在系统钥匙串中</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="202" />
        <location filename="../../app/ui/settings_page.py" line="371" />
        <source>hf_… (kept in the system keyring)</source>
        <translation>hf_…（保存在系统钥匙串中）</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="236" />
        <source>llama.cpp {0}; GPU offload {1}.</source>
        <translation>llama.cpp {0}；GPU 卸载{1}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="237" />
        <source>available</source>
        <translation>可用</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="237" />
        <source>not available</source>
        <translation>不可用</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="239" />
        <source>{0} free of {1}</source>
        <translation>可用 {0}，共 {1}</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="240" />
        <source>memory unknown</source>
        <translation>内存未知</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="246" />
        <source>Could not ask llama.cpp for its devices: {0}</source>
        <translation>无法向 llama.cpp 查询设备：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="264" />
        <source>Saved a copy as {0}</source>
        <translation>已保存副本：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="298" />
        <source>This must be an address starting with http:// or https://.</source>
        <translation>这里必须是以 http:// 或 https:// 开头的地址。</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="300" />
        <source>The store index repo is written owner/name.</source>
        <translation>商店索引仓库的格式为 owner/name。</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="312" />
        <source>Nothing was saved: fix the marked values first.</source>
        <translation>未保存：请先修正标出的值。</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="323" />
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="336" />
        <source>No system keyring: the token is kept until GPT Shelf closes</source>
        <translation>没有系统钥匙串：令牌只保留到 GPT Shelf 关闭</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="356" />
        <source>Asking the hub…</source>
        <translation>正在询问模型中心…</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="364" />
        <source>The token works: signed in as {0}.</source>
        <translation>令牌有效：已登录为 {0}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="365" />
        <source>The hub did not accept the token: {0}</source>
        <translation>模型中心不接受该令牌：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="373" />
        <source>The token was removed.</source>
        <translation>令牌已移除。</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="397" />
        <source>Could not open {0}.</source>
        <translation>无法打开 {0}。</translation>
    </message>
</context>
<context>
    <name>StorePage</name>
    <message>
        <location filename="../../app/ui/store/page.py" line="61" />
        <source>Store</source>
        <translation>商店</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="65" />
        <source>Search GPTs (any language)…</source>
        <translation>搜索 GPT（任何语言）…</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="73" />
        <source>Relevance</source>
        <translation>相关度</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="73" />
        <source>Rating</source>
        <translation>评分</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="74" />
        <source>Likes</source>
        <translation>点赞</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="74" />
        <source>Downloads</source>
        <translation>下载量</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="75" />
        <source>Newest</source>
        <translation>最新</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="75" />
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="78" />
        <source>Fits this machine</source>
        <translation>适合本机</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="80" />
        <source>Measuring free memory…</source>
        <translation>正在测量可用内存…</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="82" />
        <source>Installed</source>
        <translation>已安装</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="84" />
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="126" />
        <source>GPTs</source>
        <translation>GPT</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="129" />
        <source>Hugging Face</source>
        <translation>Hugging Face</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="185" />
        <source>No GPTs match. Try other words or fewer filters.</source>
        <translation>没有匹配的 GPT。换个词或减少筛选条件试试。</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="200" />
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="226" />
        <source>Free memory unknown: {0}</source>
        <translation>可用内存未知：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="248" />
        <source>Syncing the store…</source>
        <translation>正在同步商店…</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="262" />
        <source>You're offline — showing the last synced store. ({0})</source>
        <translation>你已离线——显示的是上次同步的商店。（{0}）</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="265" />
        <location filename="../../app/ui/store/page.py" line="282" />
        <source>Last sync failed.</source>
        <translation>上次同步失败。</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="270" />
        <source>Synced: {0} new, {1} changed, {2} removed.</source>
        <translation>已同步：新增 {0}，更新 {1}，移除 {2}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="273" />
        <source>{0} listings were skipped as unreadable.</source>
        <translation>{0} 个条目无法读取，已跳过。</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="280" />
        <source>The sync failed — showing the last synced store. ({0})</source>
        <translation>同步失败——显示的是上次同步的商店。（{0}）</translation>
    </message>
</context>
</TS>