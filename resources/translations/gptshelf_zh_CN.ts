<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ApiSection</name>
    <message>
        <location filename="../../app/ui/api_section.py" line="36"/>
        <source>Local API</source>
        <translation>本地 API</translation>
    </message>
    <message>
        <location filename="../../app/ui/api_section.py" line="41"/>
        <source>Other programs can use your installed GPTs through an OpenAI-compatible API (see docs/api.md). Each program needs a key.</source>
        <translation>其他程序可以通过兼容 OpenAI 的 API 使用你已安装的 GPT（见 docs/api.md）。每个程序都需要一个密钥。</translation>
    </message>
    <message>
        <location filename="../../app/ui/api_section.py" line="45"/>
        <source>Serve installed GPTs to other programs</source>
        <translation>向其他程序提供已安装的 GPT</translation>
    </message>
    <message>
        <location filename="../../app/ui/api_section.py" line="46"/>
        <source>Local API on</source>
        <translation>本地 API 已开启</translation>
    </message>
    <message>
        <location filename="../../app/ui/api_section.py" line="51"/>
        <source>API port</source>
        <translation>API 端口</translation>
    </message>
    <message>
        <location filename="../../app/ui/api_section.py" line="53"/>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <location filename="../../app/ui/api_section.py" line="56"/>
        <location filename="../../app/ui/api_section.py" line="60"/>
        <source>Replies at once per model</source>
        <translation>每个模型同时生成的回复数</translation>
    </message>
    <message>
        <location filename="../../app/ui/api_section.py" line="58"/>
        <source>Each one is a model process of its own: more answer more programs at once and use more memory.</source>
        <translation>每一个都是独立的模型进程：数量越多，能同时服务的程序越多，占用的内存也越多。</translation>
    </message>
    <message>
        <location filename="../../app/ui/api_section.py" line="61"/>
        <source>Also accept other computers on the network (they still need a key)</source>
        <translation>同时接受网络中其他计算机的连接（它们仍需要密钥）</translation>
    </message>
    <message>
        <location filename="../../app/ui/api_section.py" line="62"/>
        <source>Accept other computers</source>
        <translation>接受其他计算机</translation>
    </message>
    <message>
        <location filename="../../app/ui/api_section.py" line="66"/>
        <source>API address</source>
        <translation>API 地址</translation>
    </message>
    <message>
        <location filename="../../app/ui/api_section.py" line="67"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../app/ui/api_section.py" line="73"/>
        <source>Key</source>
        <translation>密钥</translation>
    </message>
    <message>
        <location filename="../../app/ui/api_section.py" line="73"/>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <location filename="../../app/ui/api_section.py" line="73"/>
        <source>Last used</source>
        <translation>上次使用</translation>
    </message>
    <message>
        <location filename="../../app/ui/api_section.py" line="75"/>
        <source>API keys</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <location filename="../../app/ui/api_section.py" line="77"/>
        <source>Keys</source>
        <translation>密钥</translation>
    </message>
    <message>
        <location filename="../../app/ui/api_section.py" line="79"/>
        <source>What the key is for, e.g. my editor</source>
        <translation>密钥的用途，例如：我的编辑器</translation>
    </message>
    <message>
        <location filename="../../app/ui/api_section.py" line="80"/>
        <source>New key&apos;s name</source>
        <translation>新密钥的名称</translation>
    </message>
    <message>
        <location filename="../../app/ui/api_section.py" line="81"/>
        <source>Create key</source>
        <translation>创建密钥</translation>
    </message>
    <message>
        <location filename="../../app/ui/api_section.py" line="83"/>
        <source>Revoke</source>
        <translation>吊销</translation>
    </message>
    <message>
        <location filename="../../app/ui/api_section.py" line="91"/>
        <source>New key</source>
        <translation>新密钥</translation>
    </message>
    <message>
        <location filename="../../app/ui/api_section.py" line="92"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../app/ui/api_section.py" line="94"/>
        <location filename="../../app/ui/api_section.py" line="210"/>
        <source>Copy this key now: it is not shown again.</source>
        <translation>请现在复制此密钥：它不会再次显示。</translation>
    </message>
    <message>
        <location filename="../../app/ui/api_section.py" line="127"/>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <location filename="../../app/ui/api_section.py" line="127"/>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <location filename="../../app/ui/api_section.py" line="129"/>
        <source>Off</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <location filename="../../app/ui/api_section.py" line="134"/>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <location filename="../../app/ui/api_section.py" line="165"/>
        <source>The API could not start: {0}</source>
        <translation>API 无法启动：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/api_section.py" line="183"/>
        <source>Give the key a name first, e.g. the program that will use it.</source>
        <translation>请先为密钥命名，例如将使用它的程序。</translation>
    </message>
    <message>
        <location filename="../../app/ui/api_section.py" line="211"/>
        <source>Copy this key now: it is not shown again. There is no system keyring, so it works only until GPT Shelf closes.</source>
        <translation>请现在复制此密钥：它不会再次显示。系统没有可用的密钥环，因此它只在 GPT Shelf 关闭前有效。</translation>
    </message>
    <message>
        <location filename="../../app/ui/api_section.py" line="221"/>
        <source>Revoked “{0}”: programs using it are refused from now on.</source>
        <translation>已吊销“{0}”：从现在起使用它的程序将被拒绝。</translation>
    </message>
</context>
<context>
    <name>BasicsPage</name>
    <message>
        <location filename="../../app/ui/wizard/basics.py" line="28"/>
        <source>Basics</source>
        <translation>基本信息</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/basics.py" line="29"/>
        <source>How your GPT is called and how it shows in lists.</source>
        <translation>你的 GPT 叫什么，以及它在列表中如何显示。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/basics.py" line="34"/>
        <source>Required, e.g. Pirate tutor</source>
        <translation>必填，例如海盗家教</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/basics.py" line="39"/>
        <source>One or two sentences: what it is good at</source>
        <translation>一两句话：它擅长什么</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/basics.py" line="42"/>
        <source>e.g. Writing, Coding, Learning</source>
        <translation>例如写作、编程、学习</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/basics.py" line="47"/>
        <source>Comma-separated, e.g. pirate, fun</source>
        <translation>用英文逗号分隔，例如 海盗, 趣味</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/basics.py" line="53"/>
        <source>Icon preview</source>
        <translation>图标预览</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/basics.py" line="54"/>
        <source>Choose icon…</source>
        <translation>选择图标…</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/basics.py" line="56"/>
        <source>Remove icon</source>
        <translation>移除图标</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/basics.py" line="64"/>
        <source>&amp;Name:</source>
        <translation>名称(&amp;N)：</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/basics.py" line="66"/>
        <source>&amp;Description:</source>
        <translation>描述(&amp;D)：</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/basics.py" line="68"/>
        <source>&amp;Category:</source>
        <translation>分类(&amp;C)：</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/basics.py" line="70"/>
        <source>&amp;Tags:</source>
        <translation>标签(&amp;T)：</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/basics.py" line="72"/>
        <source>Icon:</source>
        <translation>图标：</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/basics.py" line="84"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/basics.py" line="84"/>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/basics.py" line="84"/>
        <source>Category</source>
        <translation>分类</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/basics.py" line="85"/>
        <source>The icon</source>
        <translation>图标</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/basics.py" line="87"/>
        <source>Tag</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/basics.py" line="87"/>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/basics.py" line="93"/>
        <source>Choose an icon</source>
        <translation>选择图标</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/basics.py" line="94"/>
        <source>Images ({0})</source>
        <translation>图片 ({0})</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/basics.py" line="117"/>
        <source>None</source>
        <translation>无</translation>
    </message>
</context>
<context>
    <name>CardDelegate</name>
    <message>
        <location filename="../../app/ui/store/card_delegate.py" line="60"/>
        <source>Fits</source>
        <translation>适合</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/card_delegate.py" line="60"/>
        <source>Tight</source>
        <translation>偏紧</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/card_delegate.py" line="61"/>
        <source>Won&apos;t fit</source>
        <translation>放不下</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/card_delegate.py" line="102"/>
        <source>by {0} · {1}</source>
        <translation>{0} 出品 · {1}</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/card_delegate.py" line="104"/>
        <source>{0} downloads · {1}</source>
        <translation>{0} 次下载 · {1}</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/card_delegate.py" line="108"/>
        <source>Installed</source>
        <translation>已安装</translation>
    </message>
</context>
<context>
    <name>ChatPage</name>
    <message>
        <location filename="../../app/ui/chat/page.py" line="54"/>
        <location filename="../../app/ui/chat/page.py" line="171"/>
        <source>New chat</source>
        <translation>新对话</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="55"/>
        <source>Start a new chat (Ctrl+N)</source>
        <translation>开始新对话（Ctrl+N）</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="65"/>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="69"/>
        <source>Where this GPT runs</source>
        <translation>此 GPT 的运行位置</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="146"/>
        <source>Open chat</source>
        <translation>打开对话</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="210"/>
        <source>Edit message</source>
        <translation>编辑消息</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="211"/>
        <source>Your message (later replies are replaced):</source>
        <translation>你的消息（之后的回复会被替换）：</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="224"/>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="232"/>
        <location filename="../../app/ui/chat/page.py" line="245"/>
        <source>Export chat</source>
        <translation>导出对话</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="233"/>
        <source>Markdown (*.md);;JSON (*.json)</source>
        <translation>Markdown (*.md);;JSON (*.json)</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="245"/>
        <source>Could not export: {0}</source>
        <translation>无法导出：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="247"/>
        <source>Exported to {0}</source>
        <translation>已导出到 {0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="265"/>
        <source>Loading model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="282"/>
        <source>Writing…</source>
        <translation>正在生成…</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="311"/>
        <source>Stopped.</source>
        <translation>已停止。</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="313"/>
        <source>Failed: {0}</source>
        <translation>失败：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="317"/>
        <source>{0:.1f} tokens/s</source>
        <translation>{0:.1f} 词元/秒</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="321"/>
        <source>context {0:,} / {1:,}</source>
        <translation>上下文 {0:,} / {1:,}</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="323"/>
        <source>context {0:,} tokens</source>
        <translation>上下文 {0:,} 个词元</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="349"/>
        <source>No GPTs yet. Install one from the Store or make one in My GPTs.</source>
        <translation>还没有 GPT。请从商店安装，或在“我的 GPT”中创建。</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="351"/>
        <source>Chat with {0}. {1}</source>
        <translation>与 {0} 对话。{1}</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="362"/>
        <source>Runs on this computer</source>
        <translation>在这台电脑上运行</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="365"/>
        <source>Runs on {0} · {1}</source>
        <translation>在 {0} · {1} 上运行</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="366"/>
        <source>Messages to this GPT are sent to the remote engine {0}.</source>
        <translation>发给此 GPT 的消息会发送到远程引擎 {0}。</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <location filename="../../app/ui/chat/composer.py" line="48"/>
        <source>The GPT that answers</source>
        <translation>回答问题的 GPT</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/composer.py" line="49"/>
        <source>GPT</source>
        <translation>GPT</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/composer.py" line="52"/>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/composer.py" line="54"/>
        <source>Message (Enter sends, Shift+Enter for a new line, Esc stops)</source>
        <translation>输入消息（Enter 发送，Shift+Enter 换行，Esc 停止）</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/composer.py" line="58"/>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/composer.py" line="61"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
</context>
<context>
    <name>ConversationList</name>
    <message>
        <location filename="../../app/ui/chat/conversation_list.py" line="67"/>
        <source>Search chats (Ctrl+K)</source>
        <translation>搜索对话（Ctrl+K）</translation>
    </message>
    <message>
        <source>Untitled</source>
        <translation type="vanished">未命名</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_list.py" line="68"/>
        <source>Search chats</source>
        <translation>搜索对话</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_list.py" line="73"/>
        <source>Conversations</source>
        <translation>对话列表</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_list.py" line="174"/>
        <source>Unpin</source>
        <translation>取消置顶</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_list.py" line="174"/>
        <source>Pin to top</source>
        <translation>置顶</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_list.py" line="175"/>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_list.py" line="176"/>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_list.py" line="189"/>
        <source>Pin chat</source>
        <translation>置顶对话</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_list.py" line="195"/>
        <location filename="../../app/ui/chat/conversation_list.py" line="200"/>
        <source>Rename chat</source>
        <translation>重命名对话</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_list.py" line="195"/>
        <source>Title:</source>
        <translation>标题：</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_list.py" line="206"/>
        <location filename="../../app/ui/chat/conversation_list.py" line="212"/>
        <source>Delete chat</source>
        <translation>删除对话</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_list.py" line="207"/>
        <source>Delete “{0}” and all its messages?</source>
        <translation>删除“{0}”及其所有消息？</translation>
    </message>
</context>
<context>
    <name>ConversationModel</name>
    <message>
        <location filename="../../app/ui/chat/conversation_model.py" line="43"/>
        <source>Pinned</source>
        <translation>已置顶</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_model.py" line="44"/>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_model.py" line="45"/>
        <source>Yesterday</source>
        <translation>昨天</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_model.py" line="46"/>
        <source>Previous 7 days</source>
        <translation>过去 7 天</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_model.py" line="47"/>
        <source>Previous 30 days</source>
        <translation>过去 30 天</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_model.py" line="48"/>
        <source>Older</source>
        <translation>更早</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_model.py" line="95"/>
        <location filename="../../app/ui/chat/conversation_model.py" line="100"/>
        <source>Untitled</source>
        <translation>未命名</translation>
    </message>
</context>
<context>
    <name>DetailView</name>
    <message>
        <location filename="../../app/ui/store/detail.py" line="47"/>
        <source>← Back to the store</source>
        <translation>← 返回商店</translation>
    </message>
    <message>
        <source> ★</source>
        <translation type="vanished"> ★</translation>
    </message>
    <message>
        <source>What did you think of it?</source>
        <translation type="vanished">你觉得怎么样？</translation>
    </message>
    <message>
        <source>Post review</source>
        <translation type="vanished">发表评价</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/detail.py" line="84"/>
        <source>Base model:</source>
        <translation>基础模型：</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/detail.py" line="85"/>
        <source>Variant:</source>
        <translation>版本变体：</translation>
    </message>
    <message>
        <source>Reviews</source>
        <translation type="vanished">评价</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/detail.py" line="64"/>
        <source>Install this GPT without its model and run it on a remote engine</source>
        <translation>安装此 GPT 但不下载其模型，改在远程引擎上运行</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/detail.py" line="100"/>
        <source>GPT details</source>
        <translation>GPT 详情</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/detail.py" line="122"/>
        <source>by {0} · {1} · {2} · version {3}</source>
        <translation>{0} 出品 · {1} · {2} · 版本 {3}</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/detail.py" line="126"/>
        <source>Try: {0}</source>
        <translation>试试：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/detail.py" line="135"/>
        <source>Checking whether it fits this computer…</source>
        <translation>正在检查是否适合这台电脑…</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/detail.py" line="153"/>
        <source>Could not check the fit: {0}</source>
        <translation>无法检查适配情况：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/detail.py" line="168"/>
        <source>Run on {0}…</source>
        <translation>在 {0} 上运行…</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/detail.py" line="169"/>
        <source>Run on a remote engine…</source>
        <translation>在远程引擎上运行…</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/detail.py" line="191"/>
        <source>Installing {0} to run on the engine…</source>
        <translation>正在安装 {0}，以便在引擎上运行…</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/detail.py" line="203"/>
        <source>{0} is installed and runs on {1} · {2}.</source>
        <translation>{0} 已安装，在 {1} · {2} 上运行。</translation>
    </message>
    <message>
        <source>No reviews yet. Be the first.</source>
        <translation type="vanished">还没有评价，来写第一条吧。</translation>
    </message>
    <message>
        <source>Could not save the review: {0}</source>
        <translation type="vanished">无法保存评价：{0}</translation>
    </message>
    <message>
        <source>Thanks, your review is saved.</source>
        <translation type="vanished">谢谢，你的评价已保存。</translation>
    </message>
</context>
<context>
    <name>DraftBox</name>
    <message>
        <location filename="../../app/ui/wizard/draft_box.py" line="40"/>
        <source>Create by describing it</source>
        <translation>描述一下，自动起草</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/draft_box.py" line="45"/>
        <source>Say what your GPT should do, for whom and how. A model on this computer drafts the name, description, instructions, starters, category and tags; you then edit them.</source>
        <translation>说说你的 GPT 要做什么、为谁做、怎么做。本机的模型会起草名称、描述、指令、开场白、分类和标签，之后由你修改。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/draft_box.py" line="52"/>
        <source>What the GPT should do</source>
        <translation>GPT 要做什么</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/draft_box.py" line="53"/>
        <source>e.g. A patient tutor who explains chemistry to teenagers with kitchen examples</source>
        <translation>例如：一位耐心的家教，用厨房里的例子给青少年讲化学</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/draft_box.py" line="57"/>
        <source>Model that writes the draft</source>
        <translation>起草所用的模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/draft_box.py" line="58"/>
        <source>Draft it</source>
        <translation>起草</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/draft_box.py" line="60"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/draft_box.py" line="66"/>
        <source>Model:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/draft_box.py" line="94"/>
        <source>Install a model first (the Model step can get one) to have it draft your GPT.</source>
        <translation>请先安装一个模型（可在“模型”一步获取），再让它起草你的 GPT。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/draft_box.py" line="123"/>
        <source>Loading the model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/draft_box.py" line="133"/>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/draft_box.py" line="138"/>
        <source>Writing the draft… {0} characters</source>
        <translation>正在起草… 已写 {0} 个字符</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/draft_box.py" line="143"/>
        <source>Drafted in {0:.1f} s. Check every field and change what you like.</source>
        <translation>起草用时 {0:.1f} 秒。请检查每一项，按需修改。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/draft_box.py" line="149"/>
        <source>Stopped; nothing was filled in.</source>
        <translation>已停止，未填入任何内容。</translation>
    </message>
</context>
<context>
    <name>DraftPage</name>
    <message>
        <location filename="../../app/ui/wizard/common.py" line="130"/>
        <source>{0} {1}.</source>
        <translation>{0}：{1}</translation>
    </message>
</context>
<context>
    <name>EnginesSection</name>
    <message>
        <location filename="../../app/ui/engines_section.py" line="34"/>
        <location filename="../../app/ui/engines_section.py" line="46"/>
        <source>Remote engines</source>
        <translation>远程引擎</translation>
    </message>
    <message>
        <location filename="../../app/ui/engines_section.py" line="40"/>
        <source>Run a GPT that outgrows this computer on an OpenAI-compatible server: llama-server, vLLM, Ollama or another GPT Shelf. Nothing is sent to an engine until you choose it for a GPT in My GPTs. Keys are kept in the system keyring.</source>
        <translation>这台电脑跑不动的 GPT，可以放到兼容 OpenAI 接口的服务器上运行：llama-server、vLLM、Ollama 或另一台 GPT Shelf。只有在“我的 GPT”中为某个 GPT 选定引擎后，才会向该引擎发送内容。密钥保存在系统钥匙串中。</translation>
    </message>
    <message>
        <location filename="../../app/ui/engines_section.py" line="45"/>
        <location filename="../../app/ui/engines_section.py" line="69"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../app/ui/engines_section.py" line="45"/>
        <location filename="../../app/ui/engines_section.py" line="70"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../app/ui/engines_section.py" line="45"/>
        <source>Key</source>
        <translation>密钥</translation>
    </message>
    <message>
        <location filename="../../app/ui/engines_section.py" line="45"/>
        <source>TLS check</source>
        <translation>TLS 校验</translation>
    </message>
    <message>
        <location filename="../../app/ui/engines_section.py" line="51"/>
        <source>Engine name</source>
        <translation>引擎名称</translation>
    </message>
    <message>
        <location filename="../../app/ui/engines_section.py" line="52"/>
        <source>Lab server</source>
        <translation>实验室服务器</translation>
    </message>
    <message>
        <location filename="../../app/ui/engines_section.py" line="54"/>
        <source>Engine address</source>
        <translation>引擎地址</translation>
    </message>
    <message>
        <location filename="../../app/ui/engines_section.py" line="57"/>
        <source>Engine API key</source>
        <translation>引擎 API 密钥</translation>
    </message>
    <message>
        <location filename="../../app/ui/engines_section.py" line="59"/>
        <source>optional; kept in the system keyring</source>
        <translation>可选；保存在系统钥匙串中</translation>
    </message>
    <message>
        <location filename="../../app/ui/engines_section.py" line="60"/>
        <source>Check the server&apos;s TLS certificate</source>
        <translation>校验服务器的 TLS 证书</translation>
    </message>
    <message>
        <location filename="../../app/ui/engines_section.py" line="63"/>
        <source>Engine timeout</source>
        <translation>引擎超时</translation>
    </message>
    <message>
        <location filename="../../app/ui/engines_section.py" line="66"/>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <location filename="../../app/ui/engines_section.py" line="67"/>
        <source>How long the engine may send nothing before the request is stopped</source>
        <translation>引擎多久没有任何返回就停止请求</translation>
    </message>
    <message>
        <location filename="../../app/ui/engines_section.py" line="71"/>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <location filename="../../app/ui/engines_section.py" line="72"/>
        <source>Timeout</source>
        <translation>超时</translation>
    </message>
    <message>
        <location filename="../../app/ui/engines_section.py" line="75"/>
        <source>Add engine</source>
        <translation>添加引擎</translation>
    </message>
    <message>
        <location filename="../../app/ui/engines_section.py" line="77"/>
        <source>Save changes</source>
        <translation>保存更改</translation>
    </message>
    <message>
        <location filename="../../app/ui/engines_section.py" line="79"/>
        <source>Check</source>
        <translation>检查</translation>
    </message>
    <message>
        <location filename="../../app/ui/engines_section.py" line="80"/>
        <source>Ask the engine which models it serves</source>
        <translation>询问引擎提供哪些模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/engines_section.py" line="82"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../app/ui/engines_section.py" line="109"/>
        <source>on</source>
        <translation>开</translation>
    </message>
    <message>
        <location filename="../../app/ui/engines_section.py" line="109"/>
        <source>off</source>
        <translation>关</translation>
    </message>
    <message>
        <location filename="../../app/ui/engines_section.py" line="134"/>
        <source>kept</source>
        <translation>已保存</translation>
    </message>
    <message>
        <location filename="../../app/ui/engines_section.py" line="134"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../app/ui/engines_section.py" line="186"/>
        <source>Saved {0}. Check it to see the models it serves.</source>
        <translation>已保存 {0}。点“检查”可查看它提供的模型。</translation>
    </message>
    <message>
        <location filename="../../app/ui/engines_section.py" line="194"/>
        <source>Remove engine</source>
        <translation>移除引擎</translation>
    </message>
    <message>
        <location filename="../../app/ui/engines_section.py" line="195"/>
        <source>Remove {0}? GPTs that run on it will run on this computer again.</source>
        <translation>移除 {0}？在它上面运行的 GPT 将改回在这台电脑上运行。</translation>
    </message>
    <message>
        <location filename="../../app/ui/engines_section.py" line="205"/>
        <source>Removed {0}; {1} GPTs run on this computer again.</source>
        <translation>已移除 {0}；{1} 个 GPT 改回在这台电脑上运行。</translation>
    </message>
    <message>
        <location filename="../../app/ui/engines_section.py" line="215"/>
        <source>Asking the engine…</source>
        <translation>正在询问引擎…</translation>
    </message>
    <message>
        <location filename="../../app/ui/engines_section.py" line="225"/>
        <source>Works: {0}</source>
        <translation>可用：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/engines_section.py" line="225"/>
        <source>Not working: {0}</source>
        <translation>不可用：{0}</translation>
    </message>
</context>
<context>
    <name>EvalDialog</name>
    <message>
        <location filename="../../app/ui/evals_dialog.py" line="54"/>
        <source>Evals of {0}</source>
        <translation>{0} 的评测</translation>
    </message>
    <message>
        <location filename="../../app/ui/evals_dialog.py" line="54"/>
        <source>the new GPT</source>
        <translation>新的 GPT</translation>
    </message>
    <message>
        <location filename="../../app/ui/evals_dialog.py" line="59"/>
        <source>Choose eval set…</source>
        <translation>选择评测集…</translation>
    </message>
    <message>
        <location filename="../../app/ui/evals_dialog.py" line="62"/>
        <location filename="../../app/ui/evals_dialog.py" line="83"/>
        <source>Baseline</source>
        <translation>基准</translation>
    </message>
    <message>
        <location filename="../../app/ui/evals_dialog.py" line="64"/>
        <location filename="../../app/ui/evals_dialog.py" line="83"/>
        <source>Candidate</source>
        <translation>候选</translation>
    </message>
    <message>
        <location filename="../../app/ui/evals_dialog.py" line="65"/>
        <source>Run evals</source>
        <translation>运行评测</translation>
    </message>
    <message>
        <location filename="../../app/ui/evals_dialog.py" line="68"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../app/ui/evals_dialog.py" line="76"/>
        <source>Compare</source>
        <translation>比较</translation>
    </message>
    <message>
        <location filename="../../app/ui/evals_dialog.py" line="78"/>
        <source>with</source>
        <translation>与</translation>
    </message>
    <message>
        <location filename="../../app/ui/evals_dialog.py" line="83"/>
        <location filename="../../app/ui/evals_dialog.py" line="231"/>
        <source>Case</source>
        <translation>用例</translation>
    </message>
    <message>
        <location filename="../../app/ui/evals_dialog.py" line="83"/>
        <location filename="../../app/ui/evals_dialog.py" line="231"/>
        <source>Question</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../../app/ui/evals_dialog.py" line="84"/>
        <source>Eval results</source>
        <translation>评测结果</translation>
    </message>
    <message>
        <location filename="../../app/ui/evals_dialog.py" line="87"/>
        <source>Answers and checks</source>
        <translation>回答与检查</translation>
    </message>
    <message>
        <location filename="../../app/ui/evals_dialog.py" line="101"/>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../app/ui/evals_dialog.py" line="101"/>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <location filename="../../app/ui/evals_dialog.py" line="101"/>
        <source>Cases passed</source>
        <translation>通过的用例</translation>
    </message>
    <message>
        <location filename="../../app/ui/evals_dialog.py" line="101"/>
        <source>Checks passed</source>
        <translation>通过的检查</translation>
    </message>
    <message>
        <location filename="../../app/ui/evals_dialog.py" line="102"/>
        <location filename="../../app/ui/evals_dialog.py" line="106"/>
        <source>Trend</source>
        <translation>趋势</translation>
    </message>
    <message>
        <location filename="../../app/ui/evals_dialog.py" line="103"/>
        <source>Past eval runs</source>
        <translation>以往的评测运行</translation>
    </message>
    <message>
        <location filename="../../app/ui/evals_dialog.py" line="105"/>
        <source>Results</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../../app/ui/evals_dialog.py" line="128"/>
        <source>nothing (run one side)</source>
        <translation>无（只运行一侧）</translation>
    </message>
    <message>
        <location filename="../../app/ui/evals_dialog.py" line="131"/>
        <source>the draft (not saved)</source>
        <translation>草稿（未保存）</translation>
    </message>
    <message>
        <location filename="../../app/ui/evals_dialog.py" line="133"/>
        <source>{0} (current)</source>
        <translation>{0}（当前）</translation>
    </message>
    <message>
        <location filename="../../app/ui/evals_dialog.py" line="136"/>
        <source>{0} without its adapter</source>
        <translation>{0}（不加适配器）</translation>
    </message>
    <message>
        <location filename="../../app/ui/evals_dialog.py" line="152"/>
        <source>the GPT&apos;s own eval set</source>
        <translation>该 GPT 自带的评测集</translation>
    </message>
    <message>
        <location filename="../../app/ui/evals_dialog.py" line="153"/>
        <source>{0}: {1} cases, seed {2}. Every side answers the same cases with the same seed.</source>
        <translation>{0}：{1} 个用例，种子 {2}。两侧用同一种子回答同样的用例。</translation>
    </message>
    <message>
        <location filename="../../app/ui/evals_dialog.py" line="163"/>
        <source>This GPT has no eval set yet: choose a file (docs/evals.md shows the format).</source>
        <translation>这个 GPT 还没有评测集：请选择一个文件（格式见 docs/evals.md）。</translation>
    </message>
    <message>
        <location filename="../../app/ui/evals_dialog.py" line="168"/>
        <source>Choose eval set</source>
        <translation>选择评测集</translation>
    </message>
    <message>
        <location filename="../../app/ui/evals_dialog.py" line="169"/>
        <source>Eval sets (*.json)</source>
        <translation>评测集 (*.json)</translation>
    </message>
    <message>
        <location filename="../../app/ui/evals_dialog.py" line="210"/>
        <source>Loading model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <location filename="../../app/ui/evals_dialog.py" line="223"/>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <location filename="../../app/ui/evals_dialog.py" line="250"/>
        <source>{0} of {1} answers · {2}: {3}</source>
        <translation>已回答 {0}/{1} · {2}：{3}</translation>
    </message>
    <message>
        <location filename="../../app/ui/evals_dialog.py" line="262"/>
        <source>error</source>
        <translation>出错</translation>
    </message>
    <message>
        <location filename="../../app/ui/evals_dialog.py" line="284"/>
        <source>{0}: {1} of {2} cases passed, {3} of {4} checks</source>
        <translation>{0}：{2} 个用例中通过 {1} 个，{4} 项检查中通过 {3} 项</translation>
    </message>
    <message>
        <location filename="../../app/ui/evals_dialog.py" line="287"/>
        <source>Regressions (passed in {0}, fail in {1}): {2}</source>
        <translation>退步（在 {0} 中通过，在 {1} 中失败）：{2}</translation>
    </message>
    <message>
        <location filename="../../app/ui/evals_dialog.py" line="290"/>
        <source>Fixed: {0}</source>
        <translation>已修复：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/evals_dialog.py" line="292"/>
        <source>No regressions.</source>
        <translation>没有退步。</translation>
    </message>
    <message>
        <location filename="../../app/ui/evals_dialog.py" line="307"/>
        <source>Done.</source>
        <translation>完成。</translation>
    </message>
    <message>
        <location filename="../../app/ui/evals_dialog.py" line="307"/>
        <source>Stopped.</source>
        <translation>已停止。</translation>
    </message>
</context>
<context>
    <name>FinetunePage</name>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="53"/>
        <source>Fine-tune</source>
        <translation>微调</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="54"/>
        <source>Teach the model your own examples with a LoRA adapter (optional; skip with Next).</source>
        <translation>用 LoRA 适配器让模型学习你自己的示例（可选；点“下一步”跳过）。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="78"/>
        <source>JSONL chats or prompt/completion, CSV question/answer, or text</source>
        <translation>JSONL 对话或 prompt/completion、CSV 问题/答案，或纯文本</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="79"/>
        <source>Training data file</source>
        <translation>训练数据文件</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="80"/>
        <source>Choose data…</source>
        <translation>选择数据…</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="90"/>
        <source>Epochs</source>
        <translation>轮数</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="90"/>
        <source>LoRA rank</source>
        <translation>LoRA 秩</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="91"/>
        <source>Max length</source>
        <translation>最大长度</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="91"/>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="102"/>
        <location filename="../../app/ui/wizard/finetune_page.py" line="378"/>
        <source>Start training</source>
        <translation>开始训练</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="104"/>
        <source>Cancel training</source>
        <translation>取消训练</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="107"/>
        <source>Training progress</source>
        <translation>训练进度</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="113"/>
        <source>Use the adapter in this GPT</source>
        <translation>在此 GPT 中使用该适配器</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="117"/>
        <source>This GPT already has an adapter; training a new one replaces it if you choose to use it.</source>
        <translation>此 GPT 已有一个适配器；如果你选择使用新训练的适配器，它将替换旧的。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="123"/>
        <source>&amp;Data:</source>
        <translation>数据(&amp;D)：</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="124"/>
        <source>Options:</source>
        <translation>选项：</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="124"/>
        <source>epochs</source>
        <translation>轮数</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="124"/>
        <source>rank</source>
        <translation>秩</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="125"/>
        <source>max length</source>
        <translation>最大长度</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="126"/>
        <source>learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="150"/>
        <source>Fine-tuning needs {0}, which are not installed. Install them with

    {1}

then restart GPT Shelf. You can skip this step; the rest of the GPT works without it.</source>
        <translation>微调需要 {0}，但它们尚未安装。请用以下命令安装：

    {1}

然后重新启动 GPT Shelf。你可以跳过这一步；GPT 的其余部分不需要它也能正常工作。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="164"/>
        <source>Choose training data</source>
        <translation>选择训练数据</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="165"/>
        <source>Training data ({0});;All files (*)</source>
        <translation>训练数据 ({0});;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="192"/>
        <source>Choose the model on the Model step first.</source>
        <translation>请先在“模型”步骤中选择模型。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="200"/>
        <source>Checking the data…</source>
        <translation>正在检查数据…</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="209"/>
        <source>{0}: {1} examples ({2} to train, {3} to validate), {4} tokens, {5} of them trained; the longest has {6}.</source>
        <translation>{0}：{1} 个示例（{2} 个用于训练，{3} 个用于验证），共 {4} 个词元，其中 {5} 个参与训练；最长的有 {6} 个。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="213"/>
        <source>{0} examples are longer than the max length and are cut.</source>
        <translation>{0} 个示例超过最大长度，已被截断。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="214"/>
        <source>{0} steps, about {1}; training needs about {2} of memory ({3} available).</source>
        <translation>{0} 步，大约 {1}；训练约需 {2} 内存（可用 {3}）。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="229"/>
        <source>GPT</source>
        <translation>GPT</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="233"/>
        <source>Resuming from the last checkpoint…</source>
        <translation>正在从上一个检查点继续…</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="235"/>
        <source>Loading the model for training…</source>
        <translation>正在加载模型以进行训练…</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="284"/>
        <source>Measuring perplexity through llama.cpp, without and with the adapter…</source>
        <translation>正在通过 llama.cpp 测量不带和带适配器的困惑度…</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="289"/>
        <source>Running the eval set before and after training: {0} of {1} answers ({2}, case {3})…</source>
        <translation>正在运行训练前后的评测集：第 {0} / {1} 个回答（{2}，用例 {3}）…</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="298"/>
        <source>Step {0} of {1}</source>
        <translation>第 {0} 步，共 {1} 步</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="299"/>
        <source>loss {0:.3f}</source>
        <translation>损失 {0:.3f}</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="301"/>
        <source>validation {0:.3f}</source>
        <translation>验证 {0:.3f}</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="302"/>
        <source>{0:.0f} tokens/s</source>
        <translation>{0:.0f} 词元/秒</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="303"/>
        <source>about {0} left</source>
        <translation>约剩 {0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="310"/>
        <source>Cancelled at step {0}; Resume continues from there.</source>
        <translation>已在第 {0} 步取消；“继续训练”会从那里接着进行。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="319"/>
        <source>Done.</source>
        <translation>完成。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="320"/>
        <source>Validation perplexity through llama.cpp: {0:.2f} without the adapter, {1:.2f} with it ({2} tokens). Lower is better; try it on the Test step.</source>
        <translation>通过 llama.cpp 测得的验证困惑度：不带适配器 {0:.2f}，带适配器 {1:.2f}（{2} 个词元）。越低越好；可在“测试”步骤中试用。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="326"/>
        <source>Evals: stopped before the end; nothing to compare.</source>
        <translation>评测：未完成即已停止，没有可比较的结果。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="340"/>
        <source>Cancelling after this step…</source>
        <translation>将在本步结束后取消…</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="378"/>
        <source>Resume training</source>
        <translation>继续训练</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="386"/>
        <source>Evals: {0}/{2} before → {1}/{2} after training</source>
        <translation>评测：训练前 {0}/{2} → 训练后 {1}/{2}</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="389"/>
        <source>; regressions: {0}</source>
        <translation>；退步：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="391"/>
        <source>; fixed: {0}</source>
        <translation>；修复：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="393"/>
        <source>; no case changed</source>
        <translation>；没有用例发生变化</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="399"/>
        <source>{0} s</source>
        <translation>{0} 秒</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="401"/>
        <source>{0} min</source>
        <translation>{0} 分钟</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="402"/>
        <source>{0} h</source>
        <translation>{0} 小时</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/finetune_page.py" line="411"/>
        <source>Training is running; wait for it or cancel it first.</source>
        <translation>训练正在进行；请等待完成或先取消。</translation>
    </message>
</context>
<context>
    <name>GPTWizard</name>
    <message>
        <location filename="../../app/ui/wizard/wizard.py" line="61"/>
        <source>Edit {0}</source>
        <translation>编辑 {0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/wizard.py" line="61"/>
        <source>New GPT</source>
        <translation>新建 GPT</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/wizard.py" line="64"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
</context>
<context>
    <name>HuggingFaceTab</name>
    <message>
        <location filename="../../app/ui/store/hf_tab.py" line="51"/>
        <source>Search GGUF models on the hub, e.g. qwen 0.5b</source>
        <translation>在模型中心搜索 GGUF 模型，例如 qwen 0.5b</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/hf_tab.py" line="54"/>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/hf_tab.py" line="62"/>
        <source>Install as model</source>
        <translation>安装为模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/hf_tab.py" line="64"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/hf_tab.py" line="57"/>
        <location filename="../../app/ui/store/hf_tab.py" line="75"/>
        <source>Repositories</source>
        <translation>仓库</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/hf_tab.py" line="52"/>
        <source>Search Hugging Face</source>
        <translation>搜索 Hugging Face</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/hf_tab.py" line="60"/>
        <location filename="../../app/ui/store/hf_tab.py" line="77"/>
        <source>Files (variants)</source>
        <translation>文件（版本变体）</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/hf_tab.py" line="102"/>
        <source>Searching the hub…</source>
        <translation>正在搜索模型中心…</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/hf_tab.py" line="114"/>
        <source>{0}  ·  {1} downloads · {2} likes</source>
        <translation>{0}  ·  {1} 次下载 · {2} 个赞</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/hf_tab.py" line="118"/>
        <source>{0} repositories found.</source>
        <translation>找到 {0} 个仓库。</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/hf_tab.py" line="119"/>
        <source>No GGUF repositories match.</source>
        <translation>没有匹配的 GGUF 仓库。</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/hf_tab.py" line="133"/>
        <source>Listing the files of {0}…</source>
        <translation>正在列出 {0} 的文件…</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/hf_tab.py" line="149"/>
        <source>{0} single-file GGUF variants.</source>
        <translation>{0} 个单文件 GGUF 变体。</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/hf_tab.py" line="150"/>
        <source>This repository has no single-file GGUF models.</source>
        <translation>此仓库没有单文件 GGUF 模型。</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/hf_tab.py" line="174"/>
        <source>Starting the download of {0}…</source>
        <translation>开始下载 {0}…</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/hf_tab.py" line="182"/>
        <source>Pausing…</source>
        <translation>正在暂停…</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/hf_tab.py" line="189"/>
        <source>Downloading: {0:.1f} of {1:.1f} MB, {2:.1f} MB/s, {3} left</source>
        <translation>下载中：{0:.1f} / {1:.1f} MB，{2:.1f} MB/秒，剩余 {3}</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/hf_tab.py" line="197"/>
        <source>Paused. Press Install as model to resume where it stopped.</source>
        <translation>已暂停。点击“安装为模型”可从中断处继续。</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/hf_tab.py" line="200"/>
        <source>Installed {0}. Make a GPT from it on the Models page.</source>
        <translation>已安装 {0}。可在“模型”页面用它创建 GPT。</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/hf_tab.py" line="208"/>
        <source>Install failed: {0}</source>
        <translation>安装失败：{0}</translation>
    </message>
</context>
<context>
    <name>ImportOffer</name>
    <message>
        <location filename="../../app/ui/import_offer.py" line="40"/>
        <source>Use them</source>
        <translation>使用它们</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_offer.py" line="43"/>
        <source>Not now</source>
        <translation>以后再说</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_offer.py" line="69"/>
        <source>Found {0} models from {1} — use them? They stay where they are: nothing is copied, and GPT Shelf never deletes them.</source>
        <translation>在 {1} 中找到 {0} 个模型——要使用它们吗？它们留在原处：不会复制，GPT Shelf 也绝不会删除它们。</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_offer.py" line="77"/>
        <source>{0} and {1}</source>
        <translation>{0} 和 {1}</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_offer.py" line="99"/>
        <source>Reading {0}: {1}%</source>
        <translation>正在读取 {0}：{1}%</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_offer.py" line="105"/>
        <source>Linked {0} models; they are in Models, ready for a new GPT.</source>
        <translation>已链接 {0} 个模型；它们在“模型”中，可用于新的 GPT。</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_offer.py" line="107"/>
        <source>{0} could not be linked (Settings ▸ Import says why).</source>
        <translation>{0} 个无法链接（原因见 设置 ▸ 导入）。</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_offer.py" line="109"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>ImportPanel</name>
    <message>
        <location filename="../../app/ui/import_panel.py" line="40"/>
        <source>Import from other apps</source>
        <translation>从其他应用导入</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_panel.py" line="48"/>
        <source>Use the models GPT4All, LM Studio, Jan and Ollama already keep on this computer: they are linked where they are, never copied, and GPT Shelf never deletes them.</source>
        <translation>使用 GPT4All、LM Studio、Jan 和 Ollama 已保存在这台电脑上的模型：就地链接，从不复制，GPT Shelf 也绝不会删除它们。</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_panel.py" line="51"/>
        <source>Scan for models</source>
        <translation>扫描模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_panel.py" line="53"/>
        <source>Add a folder…</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_panel.py" line="55"/>
        <source>Link the checked models</source>
        <translation>链接勾选的模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_panel.py" line="58"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_panel.py" line="61"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_panel.py" line="61"/>
        <source>From</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_panel.py" line="61"/>
        <source>Quantization</source>
        <translation>量化</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_panel.py" line="62"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_panel.py" line="62"/>
        <source>Fits here</source>
        <translation>本机能否运行</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_panel.py" line="62"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_panel.py" line="71"/>
        <source>Models found</source>
        <translation>找到的模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_panel.py" line="77"/>
        <source>Chat history: a ChatGPT data export (.zip or conversations.json), Jan&apos;s threads folder, or LM Studio conversations. Importing twice adds nothing twice.</source>
        <translation>聊天记录：ChatGPT 数据导出（.zip 或 conversations.json）、Jan 的 threads 文件夹或 LM Studio 对话。重复导入不会添加重复内容。</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_panel.py" line="81"/>
        <source>Import a history file…</source>
        <translation>导入聊天记录文件…</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_panel.py" line="83"/>
        <source>Import a history folder…</source>
        <translation>导入聊天记录文件夹…</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_panel.py" line="103"/>
        <source>A folder with GGUF models</source>
        <translation>包含 GGUF 模型的文件夹</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_panel.py" line="114"/>
        <source>Looking for models…</source>
        <translation>正在查找模型…</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_panel.py" line="134"/>
        <source>added</source>
        <translation>已添加</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_panel.py" line="134"/>
        <source>new</source>
        <translation>新</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_panel.py" line="141"/>
        <source>Found {0} models ({1} new) in {2} folders.</source>
        <translation>在 {2} 个文件夹中找到 {0} 个模型（{1} 个是新的）。</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_panel.py" line="144"/>
        <source>No models found in the {0} folders where GPT4All, LM Studio, Jan and Ollama keep them. Add a folder to look elsewhere.</source>
        <translation>在 GPT4All、LM Studio、Jan 和 Ollama 存放模型的 {0} 个文件夹中没有找到模型。可添加文件夹到别处查找。</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_panel.py" line="146"/>
        <source>Not offered: {0} ({1})</source>
        <translation>未列出：{0}（{1}）</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_panel.py" line="153"/>
        <source>Fits</source>
        <translation>适合</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_panel.py" line="153"/>
        <source>Tight</source>
        <translation>偏紧</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_panel.py" line="153"/>
        <source>Won&apos;t fit</source>
        <translation>放不下</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_panel.py" line="177"/>
        <source>Reading {0}: {1}%</source>
        <translation>正在读取 {0}：{1}%</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_panel.py" line="183"/>
        <source>Linked {0} models; they are in Models and can be used in new GPTs.</source>
        <translation>已链接 {0} 个模型；它们在“模型”中，可用于新的 GPT。</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_panel.py" line="186"/>
        <source>Not linked: {0} ({1})</source>
        <translation>未链接：{0}（{1}）</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_panel.py" line="197"/>
        <source>Chat history to import</source>
        <translation>要导入的聊天记录</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_panel.py" line="198"/>
        <source>Chat exports (*.zip *.json);;All files (*)</source>
        <translation>聊天导出文件 (*.zip *.json);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_panel.py" line="204"/>
        <source>Jan threads or LM Studio conversations</source>
        <translation>Jan 的 threads 或 LM Studio 对话</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_panel.py" line="212"/>
        <source>Importing {0}…</source>
        <translation>正在导入 {0}…</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_panel.py" line="216"/>
        <source>Importing {0}: {1} conversations read…</source>
        <translation>正在导入 {0}：已读取 {1} 个对话…</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_panel.py" line="222"/>
        <source>Imported {0} conversations from {1}; {2} were already here.</source>
        <translation>已从 {1} 导入 {0} 个对话；{2} 个此前已导入。</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_panel.py" line="224"/>
        <source>Skipped {0}: {1}</source>
        <translation>已跳过 {0}：{1}</translation>
    </message>
</context>
<context>
    <name>InstallPanel</name>
    <message>
        <location filename="../../app/ui/store/install_panel.py" line="65"/>
        <source>Install</source>
        <translation>安装</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/install_panel.py" line="66"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/install_panel.py" line="67"/>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/install_panel.py" line="68"/>
        <source>Uninstall</source>
        <translation>卸载</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/install_panel.py" line="69"/>
        <source>Chat</source>
        <translation>对话</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/install_panel.py" line="74"/>
        <source>Installed</source>
        <translation>已安装</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/install_panel.py" line="134"/>
        <source>Starting the download…</source>
        <translation>开始下载…</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/install_panel.py" line="142"/>
        <source>Pausing…</source>
        <translation>正在暂停…</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/install_panel.py" line="153"/>
        <source>Uninstalling…</source>
        <translation>正在卸载…</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/install_panel.py" line="165"/>
        <source>{0:.1f} of {1:.1f} MB</source>
        <translation>{0:.1f} / {1:.1f} MB</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/install_panel.py" line="168"/>
        <source>Downloading: {0:.1f} MB/s, {1} left</source>
        <translation>下载中：{0:.1f} MB/秒，剩余 {1}</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/install_panel.py" line="177"/>
        <source>Paused. Press Install to resume where it stopped.</source>
        <translation>已暂停。点击“安装”可从中断处继续。</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/install_panel.py" line="181"/>
        <source>Installed and verified.</source>
        <translation>已安装并通过校验。</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/install_panel.py" line="192"/>
        <source>Failed: {0}</source>
        <translation>失败：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/install_panel.py" line="198"/>
        <source>Uninstalled.</source>
        <translation>已卸载。</translation>
    </message>
</context>
<context>
    <name>InstructionsPage</name>
    <message>
        <location filename="../../app/ui/wizard/instructions.py" line="28"/>
        <location filename="../../app/ui/wizard/instructions.py" line="91"/>
        <source>Instructions</source>
        <translation>指令</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/instructions.py" line="29"/>
        <source>Tell the GPT who it is and how to answer. It reads this before every chat.</source>
        <translation>告诉 GPT 它是谁、该怎样回答。每次对话开始前它都会先读这段内容。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/instructions.py" line="34"/>
        <source>e.g. You are a friendly pirate who explains science to children. Today is {date}; the person is called {user}.</source>
        <translation>例如：你是一位友好的海盗，给孩子们讲解科学知识。今天是 {date}；对方名叫 {user}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/instructions.py" line="38"/>
        <source>Insert {date}</source>
        <translation>插入 {date}</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/instructions.py" line="40"/>
        <source>Insert {user}</source>
        <translation>插入 {user}</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/instructions.py" line="42"/>
        <source>{date} becomes today&apos;s date and {user} your user name when a chat starts.</source>
        <translation>对话开始时，{date} 会替换为当天日期，{user} 会替换为你的用户名。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/instructions.py" line="47"/>
        <source>One per line, up to 8, e.g. Why is the sky blue?</source>
        <translation>每行一个，最多 8 个，例如：天空为什么是蓝色的？</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/instructions.py" line="52"/>
        <source>Optional example turns, each starting with User: or Assistant:
User: What is a comet?
Assistant: Arr, a dirty snowball of the skies!</source>
        <translation>可选的示例对话，每条以“用户：”或“助手：”开头
用户：彗星是什么？
助手：啊哈，它是天上的一团脏雪球！</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/instructions.py" line="59"/>
        <source>&amp;Instructions:</source>
        <translation>指令(&amp;I)：</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/instructions.py" line="62"/>
        <source>Conversation &amp;starters:</source>
        <translation>开场白(&amp;S)：</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/instructions.py" line="64"/>
        <source>&amp;Examples:</source>
        <translation>示例(&amp;E)：</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/instructions.py" line="88"/>
        <source>Starter</source>
        <translation>开场白</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/instructions.py" line="88"/>
        <source>Conversation starters</source>
        <translation>开场白</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/instructions.py" line="90"/>
        <source>Example turn</source>
        <translation>示例消息</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/instructions.py" line="90"/>
        <source>Examples</source>
        <translation>示例</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/instructions.py" line="97"/>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/instructions.py" line="97"/>
        <source>Assistant</source>
        <translation>助手</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/instructions.py" line="111"/>
        <source>Examples: line {0} must start with “User:” or “Assistant:”.</source>
        <translation>示例：第 {0} 行必须以“用户：”或“助手：”开头。</translation>
    </message>
</context>
<context>
    <name>KnowledgePage</name>
    <message>
        <location filename="../../app/ui/wizard/knowledge.py" line="35"/>
        <source>Knowledge</source>
        <translation>知识库</translation>
    </message>
    <message>
        <source>Documents your GPT keeps with it (optional).</source>
        <translation type="vanished">随你的 GPT 一起保存的文档（可选）。</translation>
    </message>
    <message>
        <source>The files are saved with the GPT and go with it when you export or publish it. Answers will cite them once GPT Shelf can search documents (a coming feature). File types: {0}.</source>
        <translation type="vanished">这些文件与 GPT 一起保存，导出或发布 GPT 时会一并带上。等 GPT Shelf 支持搜索文档（即将推出的功能）后，回答会引用这些文件。文件类型：{0}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/knowledge.py" line="36"/>
        <source>Documents your GPT answers from, citing them (optional).</source>
        <translation>你的 GPT 据以回答并引用的文档（可选）。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/knowledge.py" line="44"/>
        <source>The files are saved with the GPT and go with it when you export or publish it. Each answer is given the passages that match the question and cites them. File types: {0}.</source>
        <translation>这些文件与 GPT 一起保存，导出或发布时会随之带走。每次回答都会得到与问题相符的段落，并引用它们。文件类型：{0}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/knowledge.py" line="50"/>
        <location filename="../../app/ui/wizard/knowledge.py" line="233"/>
        <source>Knowledge files</source>
        <translation>知识库文件</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/knowledge.py" line="52"/>
        <source>Add files…</source>
        <translation>添加文件…</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/knowledge.py" line="54"/>
        <source>Add folder…</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/knowledge.py" line="56"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/knowledge.py" line="63"/>
        <source>Indexing progress</source>
        <translation>索引进度</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/knowledge.py" line="65"/>
        <source>Stop indexing</source>
        <translation>停止索引</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/knowledge.py" line="75"/>
        <source>Try a question to see which passages an answer would get</source>
        <translation>试问一个问题，看看回答会得到哪些段落</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/knowledge.py" line="76"/>
        <source>Test question</source>
        <translation>测试问题</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/knowledge.py" line="78"/>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/knowledge.py" line="84"/>
        <source>Passages found</source>
        <translation>找到的段落</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/knowledge.py" line="107"/>
        <source>Add knowledge files</source>
        <translation>添加知识库文件</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/knowledge.py" line="108"/>
        <source>Documents ({0});;All files (*)</source>
        <translation>文档 ({0});;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/knowledge.py" line="113"/>
        <source>Add a folder of documents</source>
        <translation>添加文档文件夹</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/knowledge.py" line="152"/>
        <source>Indexing…</source>
        <translation>正在索引…</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/knowledge.py" line="170"/>
        <source>Indexing {0} of {1}: {2}</source>
        <translation>正在索引第 {0} 个，共 {1} 个：{2}</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/knowledge.py" line="181"/>
        <source>Indexing stopped; the files done so far are kept and the rest is indexed next time.</source>
        <translation>索引已停止；已完成的文件会保留，其余文件下次再索引。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/knowledge.py" line="183"/>
        <source>{0} files indexed · {1} passages</source>
        <translation>已索引 {0} 个文件 · {1} 个段落</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/knowledge.py" line="185"/>
        <source>{0} skipped</source>
        <translation>跳过 {0} 个</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/knowledge.py" line="191"/>
        <source>Indexing failed: {0}</source>
        <translation>索引失败：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/knowledge.py" line="206"/>
        <source>Add files and wait for them to be indexed first.</source>
        <translation>请先添加文件并等待索引完成。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/knowledge.py" line="222"/>
        <source>No passage matches this question.</source>
        <translation>没有与这个问题相符的段落。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/knowledge.py" line="247"/>
        <source>{0} · {1} · saved</source>
        <translation>{0} · {1} · 已保存</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/knowledge.py" line="250"/>
        <source>{0} · {1} · new</source>
        <translation>{0} · {1} · 新添加</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/knowledge.py" line="253"/>
        <source>{0} passages</source>
        <translation>{0} 个段落</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/knowledge.py" line="255"/>
        <source>skipped: {0}</source>
        <translation>已跳过：{0}</translation>
    </message>
</context>
<context>
    <name>LibraryPage</name>
    <message>
        <location filename="../../app/ui/library_page.py" line="60"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="60"/>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="60"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="60"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="61"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="61"/>
        <location filename="../../app/ui/library_page.py" line="82"/>
        <source>Update</source>
        <translation>更新</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="66"/>
        <source>Open in chat</source>
        <translation>在对话中打开</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="69"/>
        <source>New GPT…</source>
        <translation>新建 GPT…</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="71"/>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="75"/>
        <source>Versions…</source>
        <translation>版本…</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="77"/>
        <source>Evals…</source>
        <translation>评测…</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="78"/>
        <source>Run the GPT&apos;s eval set: two versions side by side, and the trend.</source>
        <translation>运行该 GPT 的评测集：两个版本并排比较，并查看趋势。</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="84"/>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="86"/>
        <source>Publish…</source>
        <translation>发布…</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="87"/>
        <source>Put this GPT on the hub: for you only, for anyone with the link, or in the store.</source>
        <translation>将此 GPT 发布到 Hub：仅自己可见、获得链接的任何人可见，或上架商店。</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="92"/>
        <source>Runs on…</source>
        <translation>运行位置…</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="93"/>
        <source>Run this GPT on this computer or on a remote engine</source>
        <translation>让此 GPT 在这台电脑或远程引擎上运行</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="97"/>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="99"/>
        <source>Uninstall</source>
        <translation>卸载</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="142"/>
        <source>{0} on {1} (remote)</source>
        <translation>{1} 上的 {0}（远程）</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="246"/>
        <source>{0} {1} is saved.</source>
        <translation>{0} {1} 已保存。</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="293"/>
        <source>{0} {1} is on the hub as {2}.</source>
        <translation>{0} {1} 已在 Hub 上发布为 {2}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="312"/>
        <source>{0} runs on: {1}</source>
        <translation>{0} 的运行位置：{1}</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="321"/>
        <source>Include the model file ({0})? The exported file then works on any machine; without it, the other machine needs the same model installed.</source>
        <translation>要包含模型文件（{0}）吗？包含后导出的文件在任何电脑上都能用；不包含的话，另一台电脑需要已安装同一个模型。</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="339"/>
        <location filename="../../app/ui/library_page.py" line="361"/>
        <source>GPT Shelf files (*.gptshelf)</source>
        <translation>GPT Shelf 文件 (*.gptshelf)</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="349"/>
        <source>Exporting {0}…</source>
        <translation>正在导出 {0}…</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="353"/>
        <source>Exported to {0}.</source>
        <translation>已导出到 {0}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="360"/>
        <source>Import GPT</source>
        <translation>导入 GPT</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="366"/>
        <source>Importing {0}…</source>
        <translation>正在导入 {0}…</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="381"/>
        <source>Updating…</source>
        <translation>正在更新…</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="387"/>
        <source>Updating… {0}%</source>
        <translation>正在更新… {0}%</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="392"/>
        <source>{0} {1} is ready.</source>
        <translation>{0} {1} 已就绪。</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="62"/>
        <location filename="../../app/ui/library_page.py" line="130"/>
        <source>My GPTs</source>
        <translation>我的 GPT</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="133"/>
        <source>GPTs installed from the store and the ones you made.</source>
        <translation>从商店安装的 GPT 和你自己创建的 GPT。</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="134"/>
        <source>No GPTs yet. Install one from the Store, or import a GGUF model and make a GPT from it.</source>
        <translation>还没有 GPT。请从商店安装，或导入 GGUF 模型后用它创建 GPT。</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="158"/>
        <source>(missing: {0})</source>
        <translation>（缺失：{0}）</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="174"/>
        <source>Update available: {0}</source>
        <translation>有可用更新：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="177"/>
        <source>Made here</source>
        <translation>本机创建</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="177"/>
        <source>Starter</source>
        <translation>入门</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="178"/>
        <source>Store</source>
        <translation>商店</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="178"/>
        <source>Imported</source>
        <translation>导入</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="220"/>
        <source>Update to {0}</source>
        <translation>更新到 {0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="320"/>
        <location filename="../../app/ui/library_page.py" line="338"/>
        <source>Export GPT</source>
        <translation>导出 GPT</translation>
    </message>
    <message>
        <source>GPT files (*.json)</source>
        <translation type="vanished">GPT 文件 (*.json)</translation>
    </message>
    <message>
        <source>Could not write {0}: {1}</source>
        <translation type="vanished">无法写入 {0}：{1}</translation>
    </message>
    <message>
        <source>Exported {0} to {1}.</source>
        <translation type="vanished">已将 {0} 导出到 {1}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="412"/>
        <source>Uninstall GPT</source>
        <translation>卸载 GPT</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="425"/>
        <source>Delete “{0}”? Its conversations stay in the history.</source>
        <translation>删除“{0}”？它的对话仍保留在历史记录中。</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="427"/>
        <source>Uninstall “{0}”? Its model file is deleted too when no other GPT uses it; its conversations stay in the history.</source>
        <translation>卸载“{0}”？如果没有其他 GPT 使用它的模型文件，该文件也会被删除；它的对话仍保留在历史记录中。</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="444"/>
        <source>Uninstalling {0}…</source>
        <translation>正在卸载 {0}…</translation>
    </message>
    <message>
        <location filename="../../app/ui/library_page.py" line="453"/>
        <source>Removed {0}.</source>
        <translation>已移除 {0}。</translation>
    </message>
</context>
<context>
    <name>LossChart</name>
    <message>
        <location filename="../../app/ui/wizard/loss_chart.py" line="28"/>
        <source>Loss curve</source>
        <translation>损失曲线</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/loss_chart.py" line="45"/>
        <source>Step {0} of {1}</source>
        <translation>第 {0} 步，共 {1} 步</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/loss_chart.py" line="60"/>
        <source>The loss appears here while training.</source>
        <translation>训练时损失曲线会显示在这里。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/loss_chart.py" line="76"/>
        <source>step {0}</source>
        <translation>第 {0} 步</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/loss_chart.py" line="90"/>
        <source>training loss</source>
        <translation>训练损失</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/loss_chart.py" line="90"/>
        <source>validation loss</source>
        <translation>验证损失</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/ui/main_window.py" line="81"/>
        <location filename="../../app/ui/main_window.py" line="100"/>
        <source>GPT Shelf</source>
        <translation>GPT Shelf</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="89"/>
        <source>Sections</source>
        <translation>栏目</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="92"/>
        <source>Chats</source>
        <translation>对话</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="92"/>
        <source>Store</source>
        <translation>商店</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="92"/>
        <source>My GPTs</source>
        <translation>我的 GPT</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="93"/>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="93"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="127"/>
        <source>Data folder: {0}</source>
        <translation>数据文件夹：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="202"/>
        <source>Welcome to GPT Shelf. Everything runs on this computer: once a GPT is installed you can chat without the internet, and your conversations stay here. The starter GPT “Scratchpad” is ready in Chats; the Store has more, each marked with whether it fits this machine.</source>
        <translation>欢迎使用 GPT Shelf。一切都在这台电脑上运行：GPT 安装好之后无需联网即可对话，你的对话也只保存在本机。入门 GPT“Scratchpad”已在“对话”中就绪；商店里还有更多 GPT，每个都标明了是否适合这台电脑。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="207"/>
        <source>Welcome to GPT Shelf. Everything runs on this computer: once a GPT is installed you can chat without the internet, and your conversations stay here. Start in the Store: each GPT is marked with whether it fits this machine, and one install is all it takes.</source>
        <translation>欢迎使用 GPT Shelf。一切都在这台电脑上运行：安装 GPT 后无需联网即可对话，对话记录也只保存在本机。从商店开始吧：每个 GPT 都标明了能否在这台电脑上运行，安装一次即可使用。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="212"/>
        <source>Got it</source>
        <translation>知道了</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="269"/>
        <source>The new language applies as soon as the running tasks finish.</source>
        <translation>正在运行的任务结束后即切换到新语言。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="284"/>
        <source>The interface language was changed.</source>
        <translation>界面语言已切换。</translation>
    </message>
    <message>
        <source>The new language applies the next time GPT Shelf starts.</source>
        <translation type="vanished">新语言将在下次启动 GPT Shelf 时生效。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="294"/>
        <source>Installed {0}; open Chats to talk to it.</source>
        <translation>已安装 {0}；打开“对话”即可开始交谈。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="299"/>
        <source>The starter GPT “Scratchpad” is ready to chat offline.</source>
        <translation>入门 GPT“Scratchpad”已就绪，可离线对话。</translation>
    </message>
</context>
<context>
    <name>MessageBubble</name>
    <message>
        <location filename="../../app/ui/chat/message_view.py" line="110"/>
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/message_view.py" line="110"/>
        <source>Assistant</source>
        <translation>助手</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/message_view.py" line="112"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/message_view.py" line="113"/>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/message_view.py" line="114"/>
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/message_view.py" line="121"/>
        <source>Your message</source>
        <translation>你的消息</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/message_view.py" line="121"/>
        <source>Reply</source>
        <translation>回复</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/message_view.py" line="175"/>
        <source>Stopped — the reply so far is kept.</source>
        <translation>已停止——已保留目前的回复。</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/message_view.py" line="177"/>
        <source>Failed: {0}</source>
        <translation>失败：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/message_view.py" line="177"/>
        <source>Failed.</source>
        <translation>失败。</translation>
    </message>
</context>
<context>
    <name>MessageView</name>
    <message>
        <location filename="../../app/ui/chat/message_view.py" line="203"/>
        <source>Messages</source>
        <translation>消息列表</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/ui/chat/message_view.py" line="300"/>
        <source>Show %n earlier message(s)</source>
        <translation>
            <numerusform>显示更早的 %n 条消息</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ModelPage</name>
    <message>
        <location filename="../../app/ui/wizard/model_page.py" line="34"/>
        <location filename="../../app/ui/wizard/model_page.py" line="41"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/model_page.py" line="35"/>
        <source>The model your GPT runs on. Smaller models answer faster; larger ones know more.</source>
        <translation>你的 GPT 所运行的模型。较小的模型回答更快，较大的模型懂得更多。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/model_page.py" line="41"/>
        <source>Quantization</source>
        <translation>量化</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/model_page.py" line="41"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/model_page.py" line="41"/>
        <source>Fits here?</source>
        <translation>是否适合本机</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/model_page.py" line="42"/>
        <source>Installed models</source>
        <translation>已安装的模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/model_page.py" line="44"/>
        <source>No model is installed yet. Get one from the Store, or search Hugging Face for any GGUF model.</source>
        <translation>还没有安装模型。请从商店获取，或在 Hugging Face 上搜索任意 GGUF 模型。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/model_page.py" line="50"/>
        <source>Get a model from the Store…</source>
        <translation>从商店获取模型…</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/model_page.py" line="52"/>
        <source>Search Hugging Face…</source>
        <translation>搜索 Hugging Face…</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/model_page.py" line="106"/>
        <source>The model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/model_page.py" line="155"/>
        <source>Could not work out whether the models fit: {0}</source>
        <translation>无法判断这些模型是否适合本机：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/model_page.py" line="160"/>
        <source>checking…</source>
        <translation>正在检查…</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/model_page.py" line="161"/>
        <source>Fits</source>
        <translation>适合</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/model_page.py" line="161"/>
        <source>Tight</source>
        <translation>偏紧</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/model_page.py" line="161"/>
        <source>Won&apos;t fit</source>
        <translation>放不下</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/model_page.py" line="176"/>
        <source>Get a model</source>
        <translation>获取模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/model_page.py" line="183"/>
        <source>Install a model here and close this window: it is selected for your GPT. Installing a GPT from the store also installs its model.</source>
        <translation>在这里安装模型后关闭此窗口，它就会被选为你的 GPT 所用的模型。从商店安装 GPT 也会同时安装它的模型。</translation>
    </message>
</context>
<context>
    <name>ModelsPage</name>
    <message>
        <location filename="../../app/ui/models_page.py" line="56"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="56"/>
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="56"/>
        <source>Quantization</source>
        <translation>量化</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="56"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="57"/>
        <source>Used by</source>
        <translation>使用者</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="61"/>
        <source>Import GGUF…</source>
        <translation>导入 GGUF…</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="64"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="58"/>
        <location filename="../../app/ui/models_page.py" line="93"/>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="66"/>
        <source>Make a GPT…</source>
        <translation>创建 GPT…</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="94"/>
        <source>GGUF files in the store, checked before llama.cpp ever opens them. Drop .gguf files here to import them.</source>
        <translation>商店中的 GGUF 文件，在 llama.cpp 打开之前都会先经过检查。把 .gguf 文件拖到这里即可导入。</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="106"/>
        <source>(unused)</source>
        <translation>（未使用）</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="137"/>
        <source>linked</source>
        <translation>已链接</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="139"/>
        <source>file missing</source>
        <translation>文件缺失</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="167"/>
        <source>{0} is saved; chat with it from My GPTs or Chats.</source>
        <translation>{0} 已保存；可在“我的 GPT”或“对话”中与它对话。</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="174"/>
        <source>Import a GGUF model</source>
        <translation>导入 GGUF 模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="175"/>
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation>GGUF 模型 (*.gguf);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="209"/>
        <location filename="../../app/ui/models_page.py" line="218"/>
        <source>Checking {0}…</source>
        <translation>正在检查 {0}…</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="217"/>
        <source>Importing {0}: {1} hashed…</source>
        <translation>正在导入 {0}：已计算 {1} 的哈希…</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="226"/>
        <source>Imported {0}.</source>
        <translation>已导入 {0}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="272"/>
        <source>Delete model</source>
        <translation>删除模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="290"/>
        <source>Delete the model “{0}” ({1}) from this computer?</source>
        <translation>从这台电脑删除模型“{0}”（{1}）？</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="293"/>
        <source>Remove the linked model “{0}” from GPT Shelf? Its file stays where it is:
{1}</source>
        <translation>从 GPT Shelf 中移除链接的模型“{0}”？它的文件会留在原处：
{1}</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="303"/>
        <source>The model was removed from the catalog, but {0} could not be deleted ({1}).</source>
        <translation>模型已从目录中移除，但无法删除 {0}（{1}）。</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="306"/>
        <source>Removed {0}; its file stays in {1}, which GPT Shelf does not own.</source>
        <translation>已移除 {0}；它的文件留在 {1}，该文件不归 GPT Shelf 所有。</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="309"/>
        <source>Deleted {0}.</source>
        <translation>已删除 {0}。</translation>
    </message>
</context>
<context>
    <name>ParametersPage</name>
    <message>
        <location filename="../../app/ui/wizard/parameters.py" line="57"/>
        <location filename="../../app/ui/wizard/parameters.py" line="168"/>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/parameters.py" line="58"/>
        <source>How the GPT writes. The defaults suit most GPTs.</source>
        <translation>GPT 生成文字的方式。默认值适合大多数 GPT。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/parameters.py" line="68"/>
        <source>&amp;Temperature:</source>
        <translation>温度(&amp;T)：</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/parameters.py" line="68"/>
        <source>Top &amp;p:</source>
        <translation>Top &amp;p：</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/parameters.py" line="68"/>
        <source>Top &amp;k:</source>
        <translation>Top &amp;k：</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/parameters.py" line="69"/>
        <source>&amp;Min p:</source>
        <translation>&amp;Min p：</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/parameters.py" line="69"/>
        <source>&amp;Repeat penalty:</source>
        <translation>重复惩罚(&amp;R)：</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/parameters.py" line="70"/>
        <source>Longest &amp;reply (tokens):</source>
        <translation>最长回复（词元）(&amp;R)：</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/parameters.py" line="70"/>
        <source>&amp;Context length:</source>
        <translation>上下文长度(&amp;C)：</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/parameters.py" line="88"/>
        <source>Optional, one per line; \n is a line break</source>
        <translation>可选，每行一个；\n 表示换行</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/parameters.py" line="91"/>
        <source>&amp;Stop strings:</source>
        <translation>停止字符串(&amp;S)：</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/parameters.py" line="95"/>
        <source>Use my own chat template</source>
        <translation>使用自己的对话模板</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/parameters.py" line="97"/>
        <location filename="../../app/ui/wizard/parameters.py" line="113"/>
        <source>Chat template</source>
        <translation>对话模板</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/parameters.py" line="109"/>
        <source>Template preview</source>
        <translation>模板预览</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/parameters.py" line="161"/>
        <source>The chat template</source>
        <translation>对话模板</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/parameters.py" line="163"/>
        <source>Stop string</source>
        <translation>停止字符串</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/parameters.py" line="163"/>
        <source>Stop strings</source>
        <translation>停止字符串</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/parameters.py" line="165"/>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/parameters.py" line="165"/>
        <source>Top p</source>
        <translation>Top p</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/parameters.py" line="165"/>
        <source>Top k</source>
        <translation>Top k</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/parameters.py" line="166"/>
        <source>Min p</source>
        <translation>Min p</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/parameters.py" line="166"/>
        <source>Repeat penalty</source>
        <translation>重复惩罚</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/parameters.py" line="167"/>
        <source>Longest reply</source>
        <translation>最长回复</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/parameters.py" line="167"/>
        <source>Context length</source>
        <translation>上下文长度</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/parameters.py" line="173"/>
        <source>The chat template cannot be used: {0}</source>
        <translation>无法使用该对话模板：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/parameters.py" line="195"/>
        <source>Choose a model to see how it is prompted.</source>
        <translation>选择模型后即可查看它收到的提示词格式。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/parameters.py" line="214"/>
        <source>your own template</source>
        <translation>你自己的模板</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/parameters.py" line="214"/>
        <source>the model&apos;s own template</source>
        <translation>模型自带的模板</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/parameters.py" line="215"/>
        <source>a standard “{0}” template (the model has none)</source>
        <translation>标准的“{0}”模板（该模型没有自带模板）</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/parameters.py" line="216"/>
        <source>nothing</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/parameters.py" line="217"/>
        <source>A sample conversation as the model sees it, with {0}. Replies stop at: {1}.</source>
        <translation>模型所看到的示例对话，使用的是{0}。回复的停止字符串：{1}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/parameters.py" line="220"/>
        <source>This template has no system role: the instructions go into the first message.</source>
        <translation>此模板没有系统角色：指令会放进第一条消息。</translation>
    </message>
</context>
<context>
    <name>PublishDialog</name>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="90"/>
        <source>Publish {0}</source>
        <translation>发布 {0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="93"/>
        <source>Publish “{0}” version {1} to the hub</source>
        <translation>将“{0}”版本 {1} 发布到 Hub</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="98"/>
        <source>Only me</source>
        <translation>仅自己</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="99"/>
        <source>A private repo: only you can see and install it.</source>
        <translation>私有仓库：只有你能看到并安装它。</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="100"/>
        <source>Anyone with the link</source>
        <translation>获得链接的任何人</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="101"/>
        <source>A public repo, not listed in the store: anyone with its id can install it.</source>
        <translation>公开仓库，不在商店中列出：知道其 ID 的任何人都可以安装。</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="102"/>
        <source>Store</source>
        <translation>商店</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="103"/>
        <source>A public repo, and a pull request that lists it in the store; it shows up for everyone once the store&apos;s maintainers merge it.</source>
        <translation>公开仓库，并提交一个将其列入商店的拉取请求；商店维护者合并后，所有人都能看到它。</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="123"/>
        <location filename="../../app/ui/publish_dialog.py" line="283"/>
        <source>Checking your hub account…</source>
        <translation>正在检查你的 Hub 账户…</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="127"/>
        <source>Open Settings</source>
        <translation>打开设置</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="128"/>
        <source>The hub token is set in Settings, under Hub.</source>
        <translation>Hub 令牌在“设置”的 Hub 部分中设置。</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="137"/>
        <source>Publishing progress</source>
        <translation>发布进度</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="150"/>
        <location filename="../../app/ui/publish_dialog.py" line="347"/>
        <source>Publish</source>
        <translation>发布</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="154"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="155"/>
        <source>Stops publishing; possible until the upload is committed.</source>
        <translation>停止发布；在上传提交之前都可以停止。</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="195"/>
        <source>No hub token is set. Publishing needs a token that can write, from your hub account&apos;s settings; set it in Settings, under Hub.</source>
        <translation>尚未设置 Hub 令牌。发布需要一个具有写权限的令牌（在你的 Hub 账户设置中创建）；请在“设置”的 Hub 部分中设置。</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="198"/>
        <source>{0}
Set a token that can write in Settings, under Hub.</source>
        <translation>{0}
请在“设置”的 Hub 部分中设置一个具有写权限的令牌。</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="209"/>
        <source>It is not on the hub yet.</source>
        <translation>它还没有发布到 Hub。</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="211"/>
        <source>The hub has version {0} now ({1}).</source>
        <translation>Hub 上目前是版本 {0}（{1}）。</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="213"/>
        <source>It will be published as {0} under your account {1} on {2}. {3}</source>
        <translation>它将以 {0} 发布到你在 {2} 上的账户 {1} 下。{3}</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="220"/>
        <source>only you can see it</source>
        <translation>仅你可见</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="221"/>
        <source>anyone with the link</source>
        <translation>获得链接的任何人</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="222"/>
        <source>listed in the store</source>
        <translation>已列入商店</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="267"/>
        <source>Publishing…</source>
        <translation>正在发布…</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="280"/>
        <source>Checking the files… {0}</source>
        <translation>正在检查文件… {0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="282"/>
        <source>Uploading {0}…</source>
        <translation>正在上传 {0}…</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="282"/>
        <source>Uploading…</source>
        <translation>正在上传…</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="284"/>
        <source>Saving the new version on the hub…</source>
        <translation>正在 Hub 上保存新版本…</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="285"/>
        <source>Changing who can see it…</source>
        <translation>正在更改可见范围…</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="286"/>
        <source>Proposing the store listing…</source>
        <translation>正在提交商店上架请求…</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="287"/>
        <source>Done.</source>
        <translation>完成。</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="293"/>
        <source>Published {0} {1} as {2}.</source>
        <translation>已将 {0} {1} 发布为 {2}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="294"/>
        <source>The hub already has {0} {1} as {2}; nothing was uploaded.</source>
        <translation>Hub 上已有 {0} {1}（{2}）；没有上传任何内容。</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="296"/>
        <source>anyone; proposed for the store</source>
        <translation>所有人；已申请上架商店</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="300"/>
        <source>Who can see it: {0}.</source>
        <translation>可见范围：{0}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="301"/>
        <source>Repo: {0}</source>
        <translation>仓库：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="303"/>
        <source>Pull request to list it in the store: {0} (it appears once the store&apos;s maintainers merge it)</source>
        <translation>上架商店的拉取请求：{0}（商店维护者合并后即会出现）</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="305"/>
        <source>Pull request to remove it from the store: {0}</source>
        <translation>从商店下架的拉取请求：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="308"/>
        <source>Others can install it by its id: {0}</source>
        <translation>其他人可以通过其 ID 安装：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="333"/>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <location filename="../../app/ui/publish_dialog.py" line="347"/>
        <source>Publish again</source>
        <translation>重新发布</translation>
    </message>
</context>
<context>
    <name>RestoreCatalogBox</name>
    <message>
        <location filename="../../app/ui/catalog_restore.py" line="28"/>
        <source>The catalog is damaged</source>
        <translation>目录已损坏</translation>
    </message>
    <message>
        <location filename="../../app/ui/catalog_restore.py" line="29"/>
        <source>GPT Shelf cannot open its catalog (your GPTs and conversations) because the file is damaged.</source>
        <translation>GPT Shelf 无法打开它的目录（你的 GPT 和对话），因为该文件已损坏。</translation>
    </message>
    <message>
        <location filename="../../app/ui/catalog_restore.py" line="32"/>
        <source>No usable backup was found. The damaged file was left untouched; details are below.</source>
        <translation>没有找到可用的备份。损坏的文件未被改动；详情见下方。</translation>
    </message>
    <message>
        <location filename="../../app/ui/catalog_restore.py" line="36"/>
        <source>Restore the newest backup, {0}? The damaged file is kept beside it, not deleted.</source>
        <translation>要恢复最新的备份 {0} 吗？损坏的文件会保留在旁边，不会被删除。</translation>
    </message>
    <message>
        <location filename="../../app/ui/catalog_restore.py" line="38"/>
        <source>Restore backup</source>
        <translation>恢复备份</translation>
    </message>
    <message>
        <location filename="../../app/ui/catalog_restore.py" line="39"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
</context>
<context>
    <name>ReviewsPanel</name>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="100"/>
        <source>Like on the hub</source>
        <translation>在 Hub 上点赞</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="105"/>
        <source>Your reviews</source>
        <translation>你的评价</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="110"/>
        <source> ★</source>
        <translation> ★</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="111"/>
        <source>Stars</source>
        <translation>星级</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="113"/>
        <source>What did you think of it?</source>
        <translation>你觉得怎么样？</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="114"/>
        <source>Review text</source>
        <translation>评价内容</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="115"/>
        <source>Also publish to the hub</source>
        <translation>同时发布到 Hub</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="116"/>
        <source>Posts the review as a discussion on the GPT&apos;s hub page; needs a hub token in Settings.</source>
        <translation>将评价作为讨论发布到该 GPT 的 Hub 页面；需要在设置中填写 Hub 令牌。</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="118"/>
        <source>Post review</source>
        <translation>发表评价</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="124"/>
        <source>Publish again</source>
        <translation>重新发布</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="132"/>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="136"/>
        <source>Reviews on the hub</source>
        <translation>Hub 上的评价</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="159"/>
        <source>Reviews</source>
        <translation>评价</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="164"/>
        <source>On the hub</source>
        <translation>Hub 上</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="208"/>
        <source>♥ Liked</source>
        <translation>♥ 已赞</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="208"/>
        <source>♡ Like</source>
        <translation>♡ 点赞</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="211"/>
        <source>♥ Liked · {0}</source>
        <translation>♥ 已赞 · {0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="211"/>
        <source>♡ Like · {0}</source>
        <translation>♡ 点赞 · {0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="215"/>
        <source>{0} likes on the hub</source>
        <translation>Hub 上有 {0} 个赞</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="229"/>
        <source>The hub&apos;s like count could not be read: {0}</source>
        <translation>无法读取 Hub 上的点赞数：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="253"/>
        <source>♥ Liking…</source>
        <translation>♥ 正在点赞…</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="253"/>
        <source>♡ Unliking…</source>
        <translation>♡ 正在取消…</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="275"/>
        <source>Log in to the hub in Settings to like GPTs.</source>
        <translation>请先在设置中登录 Hub，才能给 GPT 点赞。</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="277"/>
        <source>The hub cannot be reached, so nothing was sent. Check your connection and try again.</source>
        <translation>无法连接 Hub，什么也没有发送。请检查网络后重试。</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="279"/>
        <source>The like was not sent: {0}</source>
        <translation>点赞未发送：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="294"/>
        <source>No reviews yet. Be the first.</source>
        <translation>还没有评价，来写第一条吧。</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="306"/>
        <source>Could not save the review: {0}</source>
        <translation>无法保存评价：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="314"/>
        <source>Thanks, your review is saved.</source>
        <translation>谢谢，你的评价已保存。</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="326"/>
        <source>Saved here; publishing to the hub…</source>
        <translation>已保存在本机，正在发布到 Hub…</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="342"/>
        <source>Saved here and published to the hub.</source>
        <translation>已保存在本机并发布到 Hub。</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="345"/>
        <source>Your review is saved on this computer.</source>
        <translation>你的评价已保存在这台电脑上。</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="347"/>
        <source>It was not published: log in to the hub in Settings to publish reviews.</source>
        <translation>未发布：请先在设置中登录 Hub 再发布评价。</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="349"/>
        <source>It was not published: the hub cannot be reached. Publish again when you are online.</source>
        <translation>未发布：无法连接 Hub。联网后请重新发布。</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="351"/>
        <source>It was not published: {0}</source>
        <translation>未发布：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="374"/>
        <source>Loading reviews from the hub…</source>
        <translation>正在从 Hub 加载评价…</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="390"/>
        <source>The hub refused your token, so its reviews could not be loaded. Log in again in Settings.</source>
        <translation>Hub 拒绝了你的令牌，无法加载评价。请在设置中重新登录。</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="393"/>
        <source>You seem to be offline: the hub&apos;s reviews could not be loaded.</source>
        <translation>你似乎处于离线状态：无法加载 Hub 上的评价。</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="395"/>
        <source>The hub&apos;s reviews could not be loaded: {0}</source>
        <translation>无法加载 Hub 上的评价：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="408"/>
        <source>No reviews on the hub yet.</source>
        <translation>Hub 上还没有评价。</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="418"/>
        <source>— {0}, {1}</source>
        <translation>— {0}，{1}</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/reviews.py" line="418"/>
        <source>— {0}</source>
        <translation>— {0}</translation>
    </message>
</context>
<context>
    <name>RunOnDialog</name>
    <message>
        <location filename="../../app/ui/run_on_dialog.py" line="30"/>
        <source>Where {0} runs</source>
        <translation>{0} 的运行位置</translation>
    </message>
    <message>
        <location filename="../../app/ui/run_on_dialog.py" line="41"/>
        <source>This computer</source>
        <translation>这台电脑</translation>
    </message>
    <message>
        <location filename="../../app/ui/run_on_dialog.py" line="42"/>
        <source>A remote engine</source>
        <translation>远程引擎</translation>
    </message>
    <message>
        <location filename="../../app/ui/run_on_dialog.py" line="47"/>
        <location filename="../../app/ui/run_on_dialog.py" line="58"/>
        <source>Engine</source>
        <translation>引擎</translation>
    </message>
    <message>
        <location filename="../../app/ui/run_on_dialog.py" line="52"/>
        <source>Model on the engine</source>
        <translation>引擎上的模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/run_on_dialog.py" line="59"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/run_on_dialog.py" line="73"/>
        <source>Add a remote engine in Settings first.</source>
        <translation>请先在设置中添加远程引擎。</translation>
    </message>
    <message>
        <location filename="../../app/ui/run_on_dialog.py" line="102"/>
        <source>Asking the engine for its models…</source>
        <translation>正在向引擎询问模型列表…</translation>
    </message>
    <message>
        <location filename="../../app/ui/run_on_dialog.py" line="118"/>
        <source>{0} serves {1} models.</source>
        <translation>{0} 提供 {1} 个模型。</translation>
    </message>
    <message>
        <location filename="../../app/ui/run_on_dialog.py" line="124"/>
        <source>Choose an engine and one of its models.</source>
        <translation>请选择一个引擎及其中的一个模型。</translation>
    </message>
</context>
<context>
    <name>SavePage</name>
    <message>
        <location filename="../../app/ui/wizard/save.py" line="23"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/save.py" line="24"/>
        <source>Save the changes as a new version; the earlier versions are kept.</source>
        <translation>将更改保存为新版本；之前的版本会保留。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/save.py" line="25"/>
        <source>Save your GPT; you can chat with it right away.</source>
        <translation>保存你的 GPT，保存后即可与它对话。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/save.py" line="36"/>
        <source>Saving</source>
        <translation>正在保存</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/save.py" line="40"/>
        <source>&amp;What changed:</source>
        <translation>改动(&amp;W)：</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/save.py" line="53"/>
        <source>Name: {0}</source>
        <translation>名称：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/save.py" line="54"/>
        <source>Model: {0}</source>
        <translation>模型：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/save.py" line="55"/>
        <source>Conversation starters: {0} · example turns: {1} · knowledge files: {2}</source>
        <translation>开场白：{0} · 示例消息：{1} · 知识库文件：{2}</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/save.py" line="62"/>
        <source>Changed files.</source>
        <translation>文件有改动。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/save.py" line="63"/>
        <source>Nothing changed; saving keeps version {0}.</source>
        <translation>没有改动；保存后仍为版本 {0}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/save.py" line="64"/>
        <source>Changes since version {0}: {1}</source>
        <translation>自版本 {0} 以来的改动：{1}</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/save.py" line="81"/>
        <source>Fix the step “{0}” first: {1}</source>
        <translation>请先修正“{0}”步骤：{1}</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/save.py" line="94"/>
        <source>Not saved: {0}</source>
        <translation>未保存：{0}</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <location filename="../../app/ui/settings_page.py" line="72"/>
        <location filename="../../app/ui/settings_page.py" line="90"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Engine and hub changes apply to the next model load and the next start.</source>
        <translation type="vanished">引擎和模型中心的更改将在下次加载模型和下次启动时生效。</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="92"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="113"/>
        <source>Engine</source>
        <translation>引擎</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="115"/>
        <source>Asking llama.cpp for its devices…</source>
        <translation>正在向 llama.cpp 查询设备…</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="117"/>
        <source>Devices</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="119"/>
        <source>Automatic (as many layers as fit)</source>
        <translation>自动（尽可能多的层）</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="120"/>
        <source>Off (CPU only)</source>
        <translation>关闭（仅 CPU）</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="121"/>
        <source>A fixed number of layers</source>
        <translation>固定层数</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="126"/>
        <source> layers</source>
        <translation> 层</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="122"/>
        <location filename="../../app/ui/settings_page.py" line="128"/>
        <source>GPU offload</source>
        <translation>GPU 卸载</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="132"/>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="130"/>
        <location filename="../../app/ui/settings_page.py" line="133"/>
        <source>CPU threads</source>
        <translation>CPU 线程数</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="138"/>
        <source> tokens</source>
        <translation> 个词元</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="135"/>
        <location filename="../../app/ui/settings_page.py" line="139"/>
        <source>Default context length</source>
        <translation>默认上下文长度</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="143"/>
        <source>Hub</source>
        <translation>模型中心</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="147"/>
        <source>Endpoint</source>
        <translation>服务地址</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="150"/>
        <source>none, e.g. http://proxy.example:3128</source>
        <translation>无，例如 http://proxy.example:3128</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="149"/>
        <location filename="../../app/ui/settings_page.py" line="151"/>
        <source>HTTPS proxy</source>
        <translation>HTTPS 代理</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="153"/>
        <location filename="../../app/ui/settings_page.py" line="154"/>
        <source>Store index repo</source>
        <translation>商店索引仓库</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="159"/>
        <source>Test</source>
        <translation>测试</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="161"/>
        <source>Forget</source>
        <translation>忘记</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="156"/>
        <location filename="../../app/ui/settings_page.py" line="164"/>
        <source>Hub token</source>
        <translation>模型中心令牌</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="74"/>
        <source>Engine changes apply to the next model load; hub changes apply at once.</source>
        <translation>引擎设置在下次加载模型时生效；Hub 设置立即生效。</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="124"/>
        <source>GPU layers</source>
        <translation>GPU 层数</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="146"/>
        <source>Hub endpoint</source>
        <translation>Hub 地址</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="168"/>
        <source>Save and sync the store now</source>
        <translation>保存并立即同步商店</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="174"/>
        <source>Appearance</source>
        <translation>外观</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="177"/>
        <location filename="../../app/ui/settings_page.py" line="183"/>
        <source>Same as the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="177"/>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="178"/>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="181"/>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="187"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="191"/>
        <source>Data folder</source>
        <translation>数据文件夹</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="195"/>
        <source>Location</source>
        <translation>位置</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="196"/>
        <source>Measuring…</source>
        <translation>正在计算…</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="197"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="198"/>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="201"/>
        <source>Back up the catalog now</source>
        <translation>立即备份目录</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="250"/>
        <location filename="../../app/ui/settings_page.py" line="378"/>
        <source>A token is stored in the system keyring</source>
        <translation>令牌已保存在系统钥匙串中</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="158"/>
        <location filename="../../app/ui/settings_page.py" line="251"/>
        <location filename="../../app/ui/settings_page.py" line="415"/>
        <source>hf_… (kept in the system keyring)</source>
        <translation>hf_…（保存在系统钥匙串中）</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="277"/>
        <source>llama.cpp {0}; GPU offload {1}.</source>
        <translation>llama.cpp {0}；GPU 卸载{1}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="278"/>
        <source>available</source>
        <translation>可用</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="278"/>
        <source>not available</source>
        <translation>不可用</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="280"/>
        <source>{0} free of {1}</source>
        <translation>可用 {0}，共 {1}</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="281"/>
        <source>memory unknown</source>
        <translation>内存未知</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="287"/>
        <source>Could not ask llama.cpp for its devices: {0}</source>
        <translation>无法向 llama.cpp 查询设备：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="305"/>
        <source>Saved a copy as {0}</source>
        <translation>已保存副本：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="339"/>
        <source>This must be an address starting with http:// or https://.</source>
        <translation>这里必须是以 http:// 或 https:// 开头的地址。</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="341"/>
        <source>The store index repo is written owner/name.</source>
        <translation>商店索引仓库的格式为 owner/name。</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="353"/>
        <source>Nothing was saved: fix the marked values first.</source>
        <translation>未保存：请先修正标出的值。</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="365"/>
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="379"/>
        <source>No system keyring: the token is kept until GPT Shelf closes</source>
        <translation>没有系统钥匙串：令牌只保留到 GPT Shelf 关闭</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="399"/>
        <source>Asking the hub…</source>
        <translation>正在询问模型中心…</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="407"/>
        <source>The token works: signed in as {0}.</source>
        <translation>令牌有效：已登录为 {0}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="408"/>
        <source>The hub did not accept the token: {0}</source>
        <translation>模型中心不接受该令牌：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="417"/>
        <source>The token was removed.</source>
        <translation>令牌已移除。</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="447"/>
        <source>Could not open {0}.</source>
        <translation>无法打开 {0}。</translation>
    </message>
</context>
<context>
    <name>SourceDialog</name>
    <message>
        <location filename="../../app/ui/chat/sources.py" line="65"/>
        <source>Source [{0}]</source>
        <translation>来源 [{0}]</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/sources.py" line="67"/>
        <source>{0} · characters {1}–{2}</source>
        <translation>{0} · 第 {1}–{2} 个字符</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/sources.py" line="72"/>
        <source>Passage</source>
        <translation>段落</translation>
    </message>
</context>
<context>
    <name>SourcesRow</name>
    <message>
        <location filename="../../app/ui/chat/sources.py" line="33"/>
        <source>Sources</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/sources.py" line="43"/>
        <source>Sources: {0}</source>
        <translation>来源：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/sources.py" line="85"/>
        <source>{0}, page {1}</source>
        <translation>{0}，第 {1} 页</translation>
    </message>
</context>
<context>
    <name>StorePage</name>
    <message>
        <location filename="../../app/ui/store/page.py" line="63"/>
        <source>Store</source>
        <translation>商店</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="67"/>
        <source>Search GPTs (any language)…</source>
        <translation>搜索 GPT（任何语言）…</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="69"/>
        <source>Search GPTs</source>
        <translation>搜索 GPT</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="76"/>
        <source>Sort by</source>
        <translation>排序方式</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="77"/>
        <source>Relevance</source>
        <translation>相关度</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="77"/>
        <source>Rating</source>
        <translation>评分</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="78"/>
        <source>Likes</source>
        <translation>点赞</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="78"/>
        <source>Downloads</source>
        <translation>下载量</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="79"/>
        <source>Newest</source>
        <translation>最新</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="79"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="82"/>
        <source>Fits this machine</source>
        <translation>适合本机</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="84"/>
        <source>Measuring free memory…</source>
        <translation>正在测量可用内存…</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="86"/>
        <source>Installed</source>
        <translation>已安装</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="88"/>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="110"/>
        <location filename="../../app/ui/store/page.py" line="130"/>
        <source>GPTs</source>
        <translation>GPT</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="133"/>
        <source>Hugging Face</source>
        <translation>Hugging Face</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="189"/>
        <source>No GPTs match. Try other words or fewer filters.</source>
        <translation>没有匹配的 GPT。换个词或减少筛选条件试试。</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="204"/>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="230"/>
        <source>Free memory unknown: {0}</source>
        <translation>可用内存未知：{0}</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="252"/>
        <source>Syncing the store…</source>
        <translation>正在同步商店…</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="266"/>
        <source>You&apos;re offline — showing the last synced store. ({0})</source>
        <translation>你已离线——显示的是上次同步的商店。（{0}）</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="269"/>
        <location filename="../../app/ui/store/page.py" line="286"/>
        <source>Last sync failed.</source>
        <translation>上次同步失败。</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="274"/>
        <source>Synced: {0} new, {1} changed, {2} removed.</source>
        <translation>已同步：新增 {0}，更新 {1}，移除 {2}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="277"/>
        <source>{0} listings were skipped as unreadable.</source>
        <translation>{0} 个条目无法读取，已跳过。</translation>
    </message>
    <message>
        <location filename="../../app/ui/store/page.py" line="284"/>
        <source>The sync failed — showing the last synced store. ({0})</source>
        <translation>同步失败——显示的是上次同步的商店。（{0}）</translation>
    </message>
</context>
<context>
    <name>TestPage</name>
    <message>
        <location filename="../../app/ui/wizard/test_chat.py" line="91"/>
        <source>Test</source>
        <translation>测试</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/test_chat.py" line="92"/>
        <source>Chat with your GPT as it is now. Nothing here is saved.</source>
        <translation>与当前状态的 GPT 对话。这里的内容都不会保存。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/test_chat.py" line="98"/>
        <source>Instructions</source>
        <translation>指令</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/test_chat.py" line="106"/>
        <source>Instructions (change them and ask again):</source>
        <translation>指令（修改后可再次提问）：</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/test_chat.py" line="109"/>
        <source>Run evals…</source>
        <translation>运行评测…</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/test_chat.py" line="110"/>
        <source>Run an eval set on the draft and on the saved version, side by side.</source>
        <translation>在草稿和已保存版本上运行评测集，并排比较。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/test_chat.py" line="124"/>
        <source>Test message</source>
        <translation>测试消息</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/test_chat.py" line="126"/>
        <source>Message (Enter sends, Esc stops)</source>
        <translation>输入消息（Enter 发送，Esc 停止）</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/test_chat.py" line="130"/>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/test_chat.py" line="132"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/test_chat.py" line="134"/>
        <source>Start over</source>
        <translation>重新开始</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/test_chat.py" line="172"/>
        <source>Temperature {0:g} · top p {1:g} · longest reply {2} tokens · context {3}</source>
        <translation>温度 {0:g} · top p {1:g} · 最长回复 {2} 个词元 · 上下文 {3}</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/test_chat.py" line="181"/>
        <source>Fix the step “{0}” first: {1}</source>
        <translation>请先修正“{0}”步骤：{1}</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/test_chat.py" line="201"/>
        <source>{0} will be saved with the GPT as its eval set.</source>
        <translation>{0} 将作为评测集随 GPT 一起保存。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/test_chat.py" line="248"/>
        <source>Loading model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/test_chat.py" line="255"/>
        <source>Writing…</source>
        <translation>正在生成…</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/test_chat.py" line="272"/>
        <source>Stopped.</source>
        <translation>已停止。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/test_chat.py" line="273"/>
        <source>{0} tokens, {1:.1f} tokens/s.</source>
        <translation>{0} 个词元，{1:.1f} 词元/秒。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/test_chat.py" line="275"/>
        <source>The reply failed; see the message above.</source>
        <translation>回复失败；请查看上方的消息。</translation>
    </message>
    <message>
        <location filename="../../app/ui/wizard/test_chat.py" line="283"/>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
</context>
<context>
    <name>VersionsDialog</name>
    <message>
        <location filename="../../app/ui/versions_dialog.py" line="29"/>
        <source>Versions of {0}</source>
        <translation>{0} 的版本</translation>
    </message>
    <message>
        <location filename="../../app/ui/versions_dialog.py" line="31"/>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <location filename="../../app/ui/versions_dialog.py" line="31"/>
        <source>Saved</source>
        <translation>保存时间</translation>
    </message>
    <message>
        <location filename="../../app/ui/versions_dialog.py" line="31"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/versions_dialog.py" line="31"/>
        <source>What changed</source>
        <translation>改动</translation>
    </message>
    <message>
        <location filename="../../app/ui/versions_dialog.py" line="32"/>
        <source>Versions</source>
        <translation>版本</translation>
    </message>
    <message>
        <location filename="../../app/ui/versions_dialog.py" line="34"/>
        <source>Roll back to this version</source>
        <translation>回滚到此版本</translation>
    </message>
    <message>
        <location filename="../../app/ui/versions_dialog.py" line="53"/>
        <source> (current)</source>
        <translation>（当前）</translation>
    </message>
    <message>
        <location filename="../../app/ui/versions_dialog.py" line="88"/>
        <source>Rolled back: {0} is now version {1}.</source>
        <translation>已回滚：{0} 现在是版本 {1}。</translation>
    </message>
</context>
</TS>
